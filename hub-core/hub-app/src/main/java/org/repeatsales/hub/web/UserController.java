package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Locale;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Users (admin only) and API tokens (everyone their own; admins anyone's). Passwords are write-only:
 * they are accepted, never returned; a token's secret is in the answer that creates it and nowhere else.
 */
@RestController
@Tag(name = "users", description = "Users and their API tokens")
class UserController {

    private final HubUsers users;

    UserController(HubUsers users) {
        this.users = users;
    }

    /** Request bodies only: the password goes in and is never part of any answer. */
    record NewUser(String username, String password, String role) {
    }

    record RoleChange(String role) {
    }

    record PasswordReset(String password) {
    }

    record NewToken(String name, String username) {
    }

    @Operation(summary = "All users with role and state (admin)")
    @GetMapping("/api/v1/users")
    List<HubUsers.UserView> list() {
        return users.users();
    }

    @Operation(summary = "Create a user: {username, password, role} (admin); 400 names the field that breaks the rules")
    @PostMapping("/api/v1/users")
    ResponseEntity<HubUsers.UserView> create(@RequestBody NewUser body) {
        return ResponseEntity.status(HttpStatus.CREATED).body(users.addUser(body.username(), body.password(), role(body.role())));
    }

    @Operation(summary = "One user (admin)")
    @GetMapping("/api/v1/users/{username}")
    HubUsers.UserView get(@PathVariable String username) {
        return users.user(username);
    }

    @Operation(summary = "Change a user's role: {role} (admin); the last enabled admin keeps the role")
    @PostMapping("/api/v1/users/{username}/role")
    HubUsers.UserView changeRole(@PathVariable String username, @RequestBody RoleChange body) {
        return users.changeRole(username, role(body.role()));
    }

    @Operation(summary = "Let a user log in again (admin)")
    @PostMapping("/api/v1/users/{username}/enable")
    HubUsers.UserView enable(@PathVariable String username) {
        return users.setEnabled(username, true);
    }

    @Operation(summary = "Stop a user from logging in; their tokens stop working too (admin)")
    @PostMapping("/api/v1/users/{username}/disable")
    HubUsers.UserView disable(@PathVariable String username) {
        return users.setEnabled(username, false);
    }

    @Operation(summary = "Set a new password: {password} (admin); answers 204")
    @PostMapping("/api/v1/users/{username}/password")
    ResponseEntity<Void> resetPassword(@PathVariable String username, @RequestBody PasswordReset body) {
        users.resetPassword(username, body.password());
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "API tokens: your own; an admin may ask for one user's (?username=) or everyone's (?all=true). Never the token itself")
    @GetMapping("/api/v1/tokens")
    List<HubUsers.TokenView> tokens(@RequestParam(required = false) String username, @RequestParam(defaultValue = "false") boolean all,
                                    Authentication who) {
        if (isAdmin(who)) {
            return all && username == null ? users.tokens(null) : users.tokens(username == null ? who.getName() : username);
        }
        if ((username != null && !username.equals(who.getName())) || all) {
            throw new ForbiddenException("Only an admin may list other users' tokens");
        }
        return users.tokens(who.getName());
    }

    @Operation(summary = "Create a token: {name, username?}; the answer's 'token' is shown this once and cannot be read again",
            description = "Without username the token is yours; only an admin may create one for another user.")
    @PostMapping("/api/v1/tokens")
    ResponseEntity<HubUsers.IssuedToken> createToken(@RequestBody NewToken body, Authentication who) {
        String owner = body.username() == null || body.username().isBlank() ? who.getName() : body.username();
        if (!owner.equals(who.getName()) && !isAdmin(who)) {
            throw new ForbiddenException("Only an admin may create tokens for other users");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(users.createToken(owner, body.name()));
    }

    @Operation(summary = "Revoke a token: your own, or anyone's for an admin; it stops working at once")
    @DeleteMapping("/api/v1/tokens/{id}")
    HubUsers.TokenView revoke(@PathVariable long id, Authentication who) {
        HubUsers.TokenView token = users.token(id);
        if (!token.username().equals(who.getName()) && !isAdmin(who)) {
            throw new ForbiddenException("Only an admin may revoke other users' tokens");
        }
        return users.revokeToken(id);
    }

    private static Role role(String value) {
        try {
            return value == null ? null : Role.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Field 'role': '" + value + "' is not one of admin, marketer, analyst");
        }
    }

    private static boolean isAdmin(Authentication who) {
        return who.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals(Role.ADMIN.authority()));
    }

    /** A 403 decided by whose thing it is, which the URL rules cannot see. */
    static class ForbiddenException extends RuntimeException {
        ForbiddenException(String message) {
            super(message);
        }
    }
}
