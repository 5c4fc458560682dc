package org.repeatsales.hub.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** What console tests do as a person would: log in through the form, take a page's CSRF token, write a sales line. */
final class ConsoleSessions {

    static final String SALES_HEADER = "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма\n";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private ConsoleSessions() {
    }

    /** A session logged in through the form; fails unless the login lands on the dashboard. */
    static MockHttpSession login(MockMvc mvc, String username, String password) throws Exception {
        MockHttpSession session = new MockHttpSession();
        MvcResult result = mvc.perform(post("/login").session(session)
                .param("username", username).param("password", password).param("_csrf", csrf(mvc, session, "/login"))).andReturn();
        assertThat(result.getResponse().getRedirectedUrl()).as("login of " + username).isEqualTo("/");
        return session;
    }

    /** The CSRF token of a form on the page, as the browser would send it back. */
    static String csrf(MockMvc mvc, MockHttpSession session, String page) throws Exception {
        String html = mvc.perform(get(page).session(session)).andReturn().getResponse().getContentAsString();
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF field on " + page).isTrue();
        return m.group(1);
    }

    /** One line of a sales file in the shops' CSV layout, dated {@code daysAgo} in the business's zone. */
    static String sale(ZoneId zone, int daysAgo, String number, String name, String phone, String email, int amount) {
        return sale(zone, daysAgo, "12:00", number, name, phone, email, amount);
    }

    /** The same at a time of day ({@code HH:mm}), for receipts of one day whose order matters. */
    static String sale(ZoneId zone, int daysAgo, String time, String number, String name, String phone, String email, int amount) {
        String date = LocalDate.now(zone).minusDays(daysAgo).format(DateTimeFormatter.ofPattern("dd.MM.yyyy"));
        return date + " " + time + ";" + number + ";" + name + ";" + phone + ";" + email + ";Товар;1;" + amount + ";" + amount + "\n";
    }
}
