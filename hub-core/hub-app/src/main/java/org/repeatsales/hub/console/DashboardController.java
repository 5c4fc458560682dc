package org.repeatsales.hub.console;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The console's first page: the base at a glance, and the login form. */
@Controller
class DashboardController {

    private final Dashboard dashboard;

    DashboardController(Dashboard dashboard) {
        this.dashboard = dashboard;
    }

    @GetMapping("/")
    String dashboard(Model model) {
        Dashboard.Figures figures = dashboard.figures();
        model.addAttribute("figures", figures);
        model.addAttribute("chart", MonthChart.of(figures.months()));
        return "dashboard";
    }

    @GetMapping("/login")
    String login() {
        return "login";
    }
}
