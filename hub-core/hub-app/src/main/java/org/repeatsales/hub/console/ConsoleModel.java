package org.repeatsales.hub.console;

import java.security.Principal;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every console page shows in its header. */
@ControllerAdvice(basePackageClasses = ConsoleModel.class)
class ConsoleModel {

    @ModelAttribute("viewer")
    String viewer(Principal principal) {
        return principal == null ? "" : principal.getName();
    }
}
