package org.repeatsales.hub.ingest.demo;

import java.util.SplittableRandom;

/** Russian full names with surname and patronymic agreeing with the person's sex, and e-mails made from them. */
final class RussianNames {

    private static final String[] MALE_FIRST = {
        "Александр", "Алексей", "Андрей", "Антон", "Артём", "Борис", "Вадим", "Валерий", "Виктор", "Владимир",
        "Владислав", "Геннадий", "Георгий", "Денис", "Дмитрий", "Евгений", "Иван", "Игорь", "Илья", "Кирилл",
        "Константин", "Максим", "Михаил", "Никита", "Николай", "Олег", "Павел", "Роман", "Сергей", "Юрий"};

    private static final String[] FEMALE_FIRST = {
        "Александра", "Алина", "Алла", "Анастасия", "Анна", "Валентина", "Валерия", "Вера", "Вероника", "Галина",
        "Дарья", "Евгения", "Екатерина", "Елена", "Елизавета", "Жанна", "Зоя", "Ирина", "Кристина", "Ксения",
        "Лариса", "Людмила", "Марина", "Мария", "Надежда", "Наталья", "Нина", "Ольга", "Светлана", "Татьяна"};

    /** Patronymics come in pairs because the female form is not a simple suffix swap (Ильич, Ильинична). */
    private static final String[][] PATRONYMIC = {
        {"Александрович", "Александровна"}, {"Алексеевич", "Алексеевна"}, {"Андреевич", "Андреевна"},
        {"Анатольевич", "Анатольевна"}, {"Борисович", "Борисовна"}, {"Валерьевич", "Валерьевна"},
        {"Васильевич", "Васильевна"}, {"Викторович", "Викторовна"}, {"Владимирович", "Владимировна"},
        {"Геннадьевич", "Геннадьевна"}, {"Дмитриевич", "Дмитриевна"}, {"Евгеньевич", "Евгеньевна"},
        {"Иванович", "Ивановна"}, {"Игоревич", "Игоревна"}, {"Ильич", "Ильинична"}, {"Михайлович", "Михайловна"},
        {"Никитич", "Никитична"}, {"Николаевич", "Николаевна"}, {"Олегович", "Олеговна"}, {"Павлович", "Павловна"},
        {"Петрович", "Петровна"}, {"Сергеевич", "Сергеевна"}, {"Юрьевич", "Юрьевна"}, {"Фомич", "Фоминична"}};

    /** Male forms; {@link #feminine(String)} derives the female one. */
    private static final String[] SURNAMES = {
        "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
        "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
        "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
        "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
        "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов",
        "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров",
        "Матвеев", "Титов", "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов",
        "Гаврилов", "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
        "Островский", "Вишневецкий", "Толстой", "Шевченко", "Ковальчук", "Черных", "Бондаренко", "Гарипов"};

    private static final String[] MAIL_DOMAINS = {
        "mail.ru", "mail.ru", "mail.ru", "yandex.ru", "yandex.ru", "gmail.com", "gmail.com", "bk.ru", "list.ru",
        "inbox.ru", "rambler.ru", "ya.ru"};

    private static final String[] TRANSLIT = {
        "a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh",
        "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"};

    private RussianNames() {
    }

    /** The surname as a woman bears it: Иванов → Иванова, Островский → Островская; Шевченко does not change. */
    static String feminine(String surname) {
        if (surname.endsWith("ий")) {
            return surname.substring(0, surname.length() - 2) + "ая";
        }
        if (surname.endsWith("ой")) {
            return surname.substring(0, surname.length() - 2) + "ая";
        }
        if (surname.endsWith("ов") || surname.endsWith("ев") || surname.endsWith("ёв") || surname.endsWith("ин")
                || surname.endsWith("ын")) {
            return surname + "а";
        }
        return surname;
    }

    /** A person: surname, first name and patronymic of one sex, as 1C writes a client's full name. */
    record Person(String surname, String firstName, String patronymic, boolean female) {
        String fullName() {
            return surname + ' ' + firstName + ' ' + patronymic;
        }
    }

    static Person person(SplittableRandom random) {
        // loyalty programmes of such shops have more women than men
        boolean female = random.nextInt(100) < 62;
        String surname = SURNAMES[random.nextInt(SURNAMES.length)];
        String[] patronymic = PATRONYMIC[random.nextInt(PATRONYMIC.length)];
        if (female) {
            return new Person(feminine(surname), FEMALE_FIRST[random.nextInt(FEMALE_FIRST.length)], patronymic[1], true);
        }
        return new Person(surname, MALE_FIRST[random.nextInt(MALE_FIRST.length)], patronymic[0], false);
    }

    /** The local part and domain a person would plausibly choose; uniqueness is the caller's business. */
    static String email(Person person, SplittableRandom random) {
        String surname = translit(person.surname());
        String first = translit(person.firstName());
        String local = switch (random.nextInt(5)) {
            case 0 -> first + "." + surname;
            case 1 -> surname + "." + first.charAt(0);
            case 2 -> first + (1960 + random.nextInt(45));
            case 3 -> first.charAt(0) + surname + (random.nextInt(99) + 1);
            default -> surname + "_" + first;
        };
        return local + "@" + MAIL_DOMAINS[random.nextInt(MAIL_DOMAINS.length)];
    }

    static String translit(String cyrillic) {
        StringBuilder latin = new StringBuilder(cyrillic.length() + 4);
        for (int i = 0; i < cyrillic.length(); i++) {
            char c = Character.toLowerCase(cyrillic.charAt(i));
            if (c == 'ё') {
                latin.append("e");
            } else if (c >= 'а' && c <= 'я') {
                latin.append(TRANSLIT[c - 'а']);
            } else {
                latin.append(c);
            }
        }
        return latin.toString();
    }
}
