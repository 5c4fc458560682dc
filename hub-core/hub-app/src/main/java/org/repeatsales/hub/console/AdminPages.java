package org.repeatsales.hub.console;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Users and API tokens (admins manage users; everyone their own tokens, admins all), and the audit
 * log (admins). Forms post and redirect; a new token travels to the next page as a flash attribute,
 * so it is shown once and a reload does not show it again. Passwords are never put into a model.
 */
@Controller
class AdminPages {

    static final int AUDIT_PAGE = 100;

    private final HubUsers users;
    private final AuditLog audit;
    private final MessageSource messages;
    private final ZoneId zone;

    AdminPages(HubUsers users, AuditLog audit, MessageSource messages, HubProperties hub) {
        this.users = users;
        this.audit = audit;
        this.messages = messages;
        this.zone = hub.timezone();
    }

    @GetMapping("/users")
    String users(Model model) {
        model.addAttribute("users", users.users());
        model.addAttribute("roles", Role.values());
        return "users";
    }

    @PostMapping("/users")
    String createUser(@RequestParam String username, @RequestParam String password, @RequestParam String role, RedirectAttributes redirect) {
        return change(redirect, "/users", () -> users.addUser(username.trim(), password, role(role)), "users.created", username.trim());
    }

    @PostMapping("/users/{username}/role")
    String changeRole(@PathVariable String username, @RequestParam String role, RedirectAttributes redirect) {
        return change(redirect, "/users", () -> users.changeRole(username, role(role)), "users.roleChanged", username);
    }

    @PostMapping("/users/{username}/enabled")
    String setEnabled(@PathVariable String username, @RequestParam boolean enabled, RedirectAttributes redirect) {
        return change(redirect, "/users", () -> users.setEnabled(username, enabled), enabled ? "users.enabledDone" : "users.disabledDone", username);
    }

    @PostMapping("/users/{username}/password")
    String resetPassword(@PathVariable String username, @RequestParam String password, RedirectAttributes redirect) {
        return change(redirect, "/users", () -> users.resetPassword(username, password), "users.passwordDone", username);
    }

    @GetMapping("/tokens")
    String tokens(Authentication who, Model model) {
        boolean admin = isAdmin(who);
        model.addAttribute("tokens", users.tokens(admin ? null : who.getName()));
        model.addAttribute("usernames", admin ? users.users().stream().map(HubUsers.UserView::username).toList() : java.util.List.of(who.getName()));
        return "tokens";
    }

    @PostMapping("/tokens")
    String createToken(@RequestParam String name, @RequestParam(required = false) String username, Authentication who,
                       RedirectAttributes redirect) {
        String owner = username == null || username.isBlank() || !isAdmin(who) ? who.getName() : username;
        try {
            HubUsers.IssuedToken issued = users.createToken(owner, name);
            redirect.addFlashAttribute("newToken", issued.token());
            redirect.addFlashAttribute("newTokenName", issued.info().name());
        } catch (HubUsers.RuleBroken e) {
            redirect.addFlashAttribute("problem", text("users.error." + e.code(), e.args()));
        }
        return "redirect:/tokens";
    }

    @PostMapping("/tokens/{id}/revoke")
    String revokeToken(@PathVariable long id, Authentication who, RedirectAttributes redirect) {
        HubUsers.TokenView token = users.token(id);
        if (!token.username().equals(who.getName()) && !isAdmin(who)) {
            // the same page for a token that is not yours as for one that does not exist
            throw new NoSuchElementException("No token " + id);
        }
        users.revokeToken(id);
        redirect.addFlashAttribute("done", text("tokens.revoked", token.name()));
        return "redirect:/tokens";
    }

    @GetMapping("/audit")
    String audit(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                 @RequestParam(required = false) LocalDate from, @RequestParam(required = false) LocalDate to,
                 @RequestParam(defaultValue = "0") int offset, Model model) {
        AuditLog.Page page = audit.find(new AuditLog.Filter(actor, action,
                from == null ? null : from.atStartOfDay(zone).toInstant(),
                to == null ? null : to.plusDays(1).atStartOfDay(zone).toInstant()), Math.max(offset, 0), AUDIT_PAGE);
        model.addAttribute("events", page.items());
        model.addAttribute("total", page.total());
        model.addAttribute("offset", Math.max(offset, 0));
        model.addAttribute("page", AUDIT_PAGE);
        model.addAttribute("actor", actor);
        model.addAttribute("action", action);
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        return "audit";
    }

    private String change(RedirectAttributes redirect, String page, Runnable work, String doneKey, String username) {
        try {
            work.run();
            redirect.addFlashAttribute("done", text(doneKey, username));
        } catch (HubUsers.RuleBroken e) {
            redirect.addFlashAttribute("problem", text("users.error." + e.code(), e.args()));
        } catch (NoSuchElementException e) {
            redirect.addFlashAttribute("problem", text("users.error.missing", username));
        }
        return "redirect:" + page;
    }

    private String text(String key, Object... args) {
        return messages.getMessage(key, args, LocaleContextHolder.getLocale());
    }

    private static Role role(String value) {
        try {
            return Role.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            return null; // HubUsers refuses a missing role with its own message
        }
    }

    private static boolean isAdmin(Authentication who) {
        return who.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals(Role.ADMIN.authority()));
    }
}
