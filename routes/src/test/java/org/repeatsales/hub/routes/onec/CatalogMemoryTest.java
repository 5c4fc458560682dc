package org.repeatsales.hub.routes.onec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A poll's memory of a 1C catalog stays within its bound however many entries a base names. */
class CatalogMemoryTest {

    private static String counterparty(int n) {
        return String.format("%08x-f670-11ea-8591-000c29b45b09", n);
    }

    @Test
    void shouldNeverHoldMoreThanFiftyThousandEntriesPerCatalog() {
        CatalogMemory<String> memory = new CatalogMemory<>();
        int largest = 0;
        for (int n = 0; n < 120_000; n++) {
            memory.put(counterparty(n), "Покупатель " + n);
            largest = Math.max(largest, memory.size());
        }

        assertThat(memory.capacity()).isEqualTo(50_000);
        assertThat(largest).isEqualTo(50_000);
        assertThat(memory.size()).isEqualTo(50_000);
        assertThat(memory.get(counterparty(0))).as("the first of 120,000 is forgotten").isNull();
        assertThat(memory.get(counterparty(69_999))).as("the last one before the kept 50,000 is forgotten").isNull();
        assertThat(memory.get(counterparty(70_000))).isEqualTo("Покупатель 70000");
        assertThat(memory.get(counterparty(119_999))).isEqualTo("Покупатель 119999");
    }

    @Test
    void shouldForgetTheLeastRecentlyUsedEntryNotTheOldestOne() {
        CatalogMemory<String> memory = new CatalogMemory<>(3);
        memory.put(counterparty(1), "Орлова Вера");
        memory.put(counterparty(2), "Смирнов Иван");
        memory.put(counterparty(3), "Попова Анна");
        memory.get(counterparty(1)); // a later page named the first counterparty again

        memory.put(counterparty(4), "Волков Павел");

        assertThat(memory.size()).isEqualTo(3);
        assertThat(memory.get(counterparty(1))).isEqualTo("Орлова Вера");
        assertThat(memory.get(counterparty(2))).as("unused the longest").isNull();
        assertThat(memory.get(counterparty(3))).isEqualTo("Попова Анна");
        assertThat(memory.get(counterparty(4))).isEqualTo("Волков Павел");
    }

    @Test
    void shouldKeepAReplacedEntryOnceAndTheNewerValue() {
        CatalogMemory<String> memory = new CatalogMemory<>(2);
        memory.put(counterparty(1), "Орлова Вера");
        memory.put(counterparty(1), "Орлова Вера Петровна");
        memory.put(counterparty(2), "Смирнов Иван");

        assertThat(memory.size()).isEqualTo(2);
        assertThat(memory.get(counterparty(1))).isEqualTo("Орлова Вера Петровна");
    }
}
