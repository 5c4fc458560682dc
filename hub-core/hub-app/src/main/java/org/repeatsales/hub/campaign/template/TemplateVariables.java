package org.repeatsales.hub.campaign.template;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one list of variables a template may use, besides the campaign's own ({@code variables} of
 * its definition, such as {@code promoCode} or {@code discount}). Names are what marketers write
 * between double braces; each has a Russian description (shown in problems and previews) and the
 * longest value it is expected to take, which the SMS and Telegram length checks use before any
 * client is known.
 */
public final class TemplateVariables {

    public static final String FIRST_NAME = "firstName";
    public static final String PATRONYMIC = "patronymic";
    public static final String LAST_NAME = "lastName";
    public static final String NAME = "name";
    public static final String GREETING = "greeting";
    public static final String LAST_PURCHASE_DATE = "lastPurchaseDate";
    public static final String LAST_PURCHASE_AMOUNT = "lastPurchaseAmount";
    public static final String PURCHASES = "purchases";
    public static final String SEGMENT = "segment";
    public static final String UNSUBSCRIBE_URL = "unsubscribeUrl";
    public static final String TELEGRAM_LINK = "telegramLink";

    /**
     * A variable of the client or the message.
     *
     * @param name as written in a template
     * @param description in Russian, for marketers
     * @param longest expected longest value in characters; for the links it is computed instead
     *     (see {@link TemplateValidatorImpl})
     * @param cyrillic whether a value may hold Cyrillic letters, which turns an SMS into UCS-2
     */
    public record Variable(String name, String description, int longest, boolean cyrillic) {
    }

    /**
     * Longest values are estimates, generous against real Russian names: the longest first name of
     * the demo data has 10 letters, patronymic 13, surname 12. A longer real value does not break a
     * campaign: the SMS connector measures every actual message and fails only that one.
     */
    public static final Map<String, Variable> CLIENT;

    static {
        Map<String, Variable> all = new LinkedHashMap<>();
        add(all, FIRST_NAME, "имя клиента (пусто, если неизвестно)", 20, true);
        add(all, PATRONYMIC, "отчество клиента (пусто, если неизвестно)", 25, true);
        add(all, LAST_NAME, "фамилия клиента (пусто, если неизвестна)", 30, true);
        add(all, NAME, "обращение: «Имя Отчество», или только имя, или пусто", 46, true);
        add(all, GREETING, "«Здравствуйте, Имя Отчество!», или «Здравствуйте!», если имя неизвестно", 61, true);
        add(all, LAST_PURCHASE_DATE, "дата последней покупки, ДД.ММ.ГГГГ", 10, false);
        add(all, LAST_PURCHASE_AMOUNT, "сумма последней покупки в рублях, например «1 250,50»", 12, false);
        add(all, PURCHASES, "сколько покупок сделал клиент", 6, false);
        add(all, SEGMENT, "группа клиента в сегменте аудитории кампании, например «Постоянные спящие»", 40, true);
        add(all, UNSUBSCRIBE_URL, "подписанная ссылка для отказа от рассылки по этому каналу", 0, false);
        add(all, TELEGRAM_LINK, "ссылка для подписки на Telegram-бота магазина (одноразовая, на каждого клиента)", 0, false);
        CLIENT = java.util.Collections.unmodifiableMap(all);
    }

    /** What a campaign variable's name must look like: a simple identifier, as the built-in ones. */
    public static final Pattern CAMPAIGN_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");

    private TemplateVariables() {
    }

    private static void add(Map<String, Variable> all, String name, String description, int longest, boolean cyrillic) {
        all.put(name, new Variable(name, description, longest, cyrillic));
    }

    /** The built-in names, in the order they are documented. */
    public static Set<String> names() {
        return CLIENT.keySet();
    }
}
