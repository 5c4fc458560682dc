package org.repeatsales.hub.campaign.template;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientNameTest {

    @Test
    void shouldSplitFullNameIn1cOrder() {
        assertThat(ClientName.parse("Вишневецкая Александра Александровна"))
                .isEqualTo(new ClientName("Вишневецкая", "Александра", "Александровна"));
        assertThat(ClientName.parse("  Иванов   Илья  Ильич ")).isEqualTo(new ClientName("Иванов", "Илья", "Ильич"));
    }

    @Test
    void shouldAddressByFirstNameAndPatronymic() {
        ClientName name = ClientName.parse("Смирнова Анна Сергеевна");

        assertThat(name.address()).isEqualTo("Анна Сергеевна");
        assertThat(name.greeting()).isEqualTo("Здравствуйте, Анна Сергеевна!");
    }

    @Test
    void shouldTellTheOrderOfTwoWords() {
        assertThat(ClientName.parse("Иванова Анна")).isEqualTo(new ClientName("Иванова", "Анна", ""));
        assertThat(ClientName.parse("Анна Иванова")).isEqualTo(new ClientName("Иванова", "Анна", ""));
        assertThat(ClientName.parse("Анна Сергеевна")).isEqualTo(new ClientName("", "Анна", "Сергеевна"));
        // neither word tells: 1C's order, surname first
        assertThat(ClientName.parse("Шевченко Олег")).isEqualTo(new ClientName("Шевченко", "Олег", ""));
    }

    @Test
    void shouldReadFirstNamePatronymicSurnameOrder() {
        assertThat(ClientName.parse("Анна Сергеевна Петрова")).isEqualTo(new ClientName("Петрова", "Анна", "Сергеевна"));
    }

    @Test
    void shouldTakeOneWordAsFirstName() {
        ClientName name = ClientName.parse("Вера");

        assertThat(name).isEqualTo(new ClientName("", "Вера", ""));
        assertThat(name.greeting()).isEqualTo("Здравствуйте, Вера!");
    }

    @Test
    void shouldFixCapitalsWrittenByCashiers() {
        assertThat(ClientName.parse("ПЕТРОВА АННА-МАРИЯ ИВАНОВНА"))
                .isEqualTo(new ClientName("Петрова", "Анна-Мария", "Ивановна"));
        assertThat(ClientName.parse("козлов денис")).isEqualTo(new ClientName("Козлов", "Денис", ""));
    }

    @Test
    void shouldKeepTurkicPatronymicWhole() {
        assertThat(ClientName.parse("Мамедов Рашид Аликпер оглы"))
                .isEqualTo(new ClientName("Мамедов", "Рашид", "Аликпер оглы"));
    }

    @Test
    void shouldLeaveFirstNameEmptyForInitials() {
        ClientName name = ClientName.parse("Иванова А. С.");

        assertThat(name).isEqualTo(new ClientName("Иванова", "", ""));
        assertThat(name.greeting()).isEqualTo("Здравствуйте!");
        assertThat(ClientName.parse("Иванова А.С.")).isEqualTo(new ClientName("Иванова", "", ""));
    }

    @Test
    void shouldGreetWithoutNameWhenThereIsNoPersonName() {
        for (String notAName : new String[] {null, "", "   ", "anna@example.org", "Покупатель 17", "ООО Ромашка и партнёры инк"}) {
            assertThat(ClientName.parse(notAName)).as(String.valueOf(notAName)).isEqualTo(ClientName.UNKNOWN);
        }
        assertThat(ClientName.UNKNOWN.address()).isEmpty();
        assertThat(ClientName.UNKNOWN.greeting()).isEqualTo("Здравствуйте!");
    }
}
