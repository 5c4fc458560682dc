package org.repeatsales.hub.campaign.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A client's name taken apart. The store keeps one string, the way 1C and cashiers write it:
 * «Фамилия Имя Отчество» (1C's order), but also «Имя Отчество», «Имя Фамилия», «Фамилия Имя», a
 * first name alone, initials, or shouting capitals. The parts are guessed from what Russian
 * patronymics and surnames end in; a part that cannot be told is left empty rather than guessed
 * wrong, since «Здравствуйте!» is better than greeting a client by their surname.
 *
 * @param lastName surname, or empty
 * @param firstName first name, or empty
 * @param patronymic patronymic (with «оглы»/«кызы» when written so), or empty
 */
public record ClientName(String lastName, String firstName, String patronymic) {

    public static final ClientName UNKNOWN = new ClientName("", "", "");

    private static final Pattern PATRONYMIC = Pattern.compile(
            "(?iu).+(ович|евич|ьич|ич|овна|евна|ична|инична)");
    private static final Pattern SURNAME = Pattern.compile(
            "(?iu).+(ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|цкий|ская|цкая|ской|енко|ук|юк|их|ых|дзе|швили|ян)");
    private static final Pattern WORD = Pattern.compile("(?u)[\\p{L}][\\p{L}'’-]*");
    private static final Pattern INITIAL = Pattern.compile("(?u)\\p{L}\\.?|\\p{L}\\.\\p{L}\\.?");
    private static final List<String> TURKIC_PATRONYMIC = List.of("оглы", "кызы", "улы", "уулу");

    /** How the client is addressed: «Имя Отчество», or the first name alone, or empty. */
    public String address() {
        if (firstName.isEmpty()) {
            return "";
        }
        return patronymic.isEmpty() ? firstName : firstName + " " + patronymic;
    }

    /** «Здравствуйте, Имя Отчество!», or «Здравствуйте!» when the first name is not known. */
    public String greeting() {
        String address = address();
        return address.isEmpty() ? "Здравствуйте!" : "Здравствуйте, " + address + "!";
    }

    public static ClientName parse(String full) {
        if (full == null || full.isBlank() || full.indexOf('@') >= 0 || full.chars().anyMatch(Character::isDigit)) {
            return UNKNOWN;
        }
        List<String> words = new ArrayList<>();
        for (String token : full.trim().split("[\\s,]+")) {
            if (INITIAL.matcher(token).matches()) {
                // «Иванова А. С.»: initials tell nothing to write in a greeting
                words.add("");
            } else if (WORD.matcher(token).matches()) {
                words.add(capitalised(token));
            } else {
                return UNKNOWN;
            }
        }
        // «Мамедов Рашид Аликпер оглы»: the Turkic patronymic is two words
        int last = words.size() - 1;
        if (words.size() >= 3 && TURKIC_PATRONYMIC.contains(words.get(last).toLowerCase(Locale.ROOT))) {
            words.set(last - 1, words.get(last - 1) + " " + words.get(last).toLowerCase(Locale.ROOT));
            words.remove(last);
        }
        return switch (words.size()) {
            case 1 -> new ClientName("", words.get(0), "");
            case 2 -> two(words.get(0), words.get(1));
            case 3 -> three(words.get(0), words.get(1), words.get(2));
            default -> UNKNOWN; // a company or a note, not a person
        };
    }

    private static ClientName two(String a, String b) {
        if (isPatronymic(b)) {
            return new ClientName("", a, b); // «Анна Сергеевна»
        }
        if (isSurname(b) && !isSurname(a)) {
            return new ClientName(b, a, ""); // «Анна Иванова»
        }
        return new ClientName(a, b, ""); // 1C's order: «Иванова Анна»
    }

    private static ClientName three(String a, String b, String c) {
        if (!isPatronymic(c) && isPatronymic(b)) {
            return new ClientName(c, a, b); // «Анна Сергеевна Иванова»
        }
        return new ClientName(a, b, c);
    }

    private static boolean isPatronymic(String word) {
        return !word.isEmpty() && (PATRONYMIC.matcher(word).matches() || word.contains(" "));
    }

    private static boolean isSurname(String word) {
        return !word.isEmpty() && SURNAME.matcher(word).matches();
    }

    /** «АННА» and «анна» become «Анна»; «Анна-Мария» and «МакКуин» are left as written. */
    private static String capitalised(String word) {
        boolean allUpper = word.equals(word.toUpperCase(Locale.ROOT));
        boolean allLower = word.equals(word.toLowerCase(Locale.ROOT));
        if (!allUpper && !allLower) {
            return word;
        }
        StringBuilder out = new StringBuilder(word.length());
        boolean start = true;
        for (int i = 0; i < word.length(); i++) {
            char ch = word.charAt(i);
            out.append(start ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
            start = ch == '-';
        }
        return out.toString();
    }
}
