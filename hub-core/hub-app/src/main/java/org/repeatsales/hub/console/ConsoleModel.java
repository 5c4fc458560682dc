package org.repeatsales.hub.console;

import java.security.Principal;
import java.time.ZoneId;
import org.repeatsales.hub.config.HubProperties;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every console page shows in its header. */
@ControllerAdvice(basePackageClasses = ConsoleModel.class)
class ConsoleModel {

    private final ZoneId zone;

    ConsoleModel(HubProperties hub) {
        this.zone = hub.timezone();
    }

    /** Times are shown in the business's zone, as its receipts were written, not the server's. */
    @ModelAttribute("zone")
    ZoneId zone() {
        return zone;
    }

    /** Admins and marketers import and create segments; analysts are not offered forms they may not send. */
    @ModelAttribute("canChange")
    boolean canChange(Authentication who) {
        return ConsoleUser.seesContacts(who);
    }

    /** Sources, plugins and channels are offered in the header to admins only. */
    @ModelAttribute("isAdmin")
    boolean isAdmin(Authentication who) {
        return ConsoleUser.isAdmin(who);
    }

    /** Only admins are offered users, the audit log and everyone's tokens. */
    @ModelAttribute("viewerIsAdmin")
    boolean viewerIsAdmin(Authentication who) {
        return ConsoleUser.isAdmin(who);
    }

    @ModelAttribute("viewer")
    String viewer(Principal principal) {
        return principal == null ? "" : principal.getName();
    }
}
