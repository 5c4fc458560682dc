package org.repeatsales.hub.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.repeatsales.hub.TestDatabase;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Receipts, identities and statistics point to their client without foreign keys (V24): what the
 * keys guaranteed on deletion still holds.
 */
class ClientDeletionTest {

    private static JdbcTemplate jdbc;

    @BeforeAll
    static void store() {
        PGSimpleDataSource ds = TestDatabase.freshDatabase("hub_client_deletion");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(ds);
    }

    @Test
    void shouldRefuseToDeleteAClientWhoStillHasReceipts() {
        long client = clientWithReceiptIdentityAndStats("+79160000001", "r-1");

        assertThatThrownBy(() -> jdbc.update("delete from client where id = ?", client))
                .isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("client " + client + " still has receipts");
        assertThat(jdbc.queryForObject("select count(*) from client where id = ?", Long.class, client)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from client_identity where client_id = ?", Long.class, client)).isEqualTo(1);
    }

    @Test
    void shouldTakeIdentitiesAndStatisticsWithADeletedClientOnceItsReceiptsMoved() {
        long survivor = clientWithReceiptIdentityAndStats("+79160000002", "r-2");
        long absorbed = clientWithReceiptIdentityAndStats("+79160000003", "r-3");

        jdbc.update("update receipt set client_id = ? where client_id = ?", survivor, absorbed);
        jdbc.update("delete from client where id = ?", absorbed);

        assertThat(jdbc.queryForObject("select count(*) from client_identity where client_id = ?", Long.class, absorbed)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from client_stats where client_id = ?", Long.class, absorbed)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from client_identity where client_id = ?", Long.class, survivor)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from client_stats where client_id = ?", Long.class, survivor)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from receipt where client_id = ?", Long.class, survivor)).isEqualTo(2);
    }

    private static long clientWithReceiptIdentityAndStats(String phone, String receiptKey) {
        long client = jdbc.queryForObject("insert into client (name, phone) values ('Анна', ?) returning id", Long.class, phone);
        jdbc.update("insert into client_identity (client_id, kind, value, source) values (?, 'phone', ?, 'test')", client, phone);
        jdbc.update("insert into client_stats (client_id, purchases, revenue) values (?, 1, 100)", client);
        jdbc.update("insert into receipt (source, natural_key, client_id, purchased_at, total, content_hash)"
                + " values ('test', ?, ?, now(), 100, 'h')", receiptKey, client);
        return client;
    }
}
