package org.repeatsales.hub.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** COPY rows encoded by hand to UTF-8 come back from PostgreSQL exactly as they were written. */
@SpringBootTest(properties = "hub.inbox.enabled=false")
class CopyRowsTest {

    @Autowired
    DataSource store;

    @Test
    void shouldStoreTextNumbersTimesAndNullsUnchanged() throws Exception {
        String awkward = "Тест\t«кавычки»\\путь\nвторая\rстрока 😀 €";
        try (Connection c = store.getConnection(); Statement st = c.createStatement()) {
            st.execute("create temp table copy_probe (t text, n bigint, d numeric, at timestamptz, day date, b boolean, nothing text)");
            new CopyRows()
                    .text(awkward).number(-9_223_372_036_854_775_807L).number(new BigDecimal("-1299.50"))
                    .time(Instant.parse("2025-03-01T10:15:30Z")).date(LocalDate.of(2025, 3, 1)).bool(true).text(null).endRow()
                    .text("").number(0).number((BigDecimal) null).time(null).date(null).bool(false).id(null).endRow()
                    .copyInto(c, "copy_probe (t, n, d, at, day, b, nothing)");

            try (ResultSet rs = st.executeQuery("select t, n, d, at, day, b, nothing from copy_probe order by n")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(awkward);
                assertThat(rs.getLong(2)).isEqualTo(-9_223_372_036_854_775_807L);
                assertThat(rs.getBigDecimal(3)).isEqualByComparingTo("-1299.50");
                assertThat(rs.getTimestamp(4).toInstant()).isEqualTo(Instant.parse("2025-03-01T10:15:30Z"));
                assertThat(rs.getDate(5).toLocalDate()).isEqualTo(LocalDate.of(2025, 3, 1));
                assertThat(rs.getBoolean(6)).isTrue();
                assertThat(rs.getString(7)).isNull();

                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEmpty();
                assertThat(rs.getLong(2)).isZero();
                assertThat(rs.getBigDecimal(3)).isNull();
                assertThat(rs.getTimestamp(4)).isNull();
                assertThat(rs.getBoolean(6)).isFalse();
                assertThat(rs.getString(7)).isNull();
                assertThat(rs.next()).isFalse();
            }
        }
    }
}
