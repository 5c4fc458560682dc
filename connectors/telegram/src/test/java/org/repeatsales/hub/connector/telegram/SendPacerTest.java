package org.repeatsales.hub.connector.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pacing arithmetic on a fake clock; the real timing is pinned against WireMock in TelegramConnectorTest. */
class SendPacerTest {

    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong(1_000_000 * MS);

    @Test
    void shouldSpreadSendsEvenlyUnderTheGlobalRate() {
        SendPacer pacer = new SendPacer(10, 0, now::get);
        long first = pacer.reserve("1");
        long second = pacer.reserve("2");
        long third = pacer.reserve("3");
        assertThat(second - first).isEqualTo(100 * MS);
        assertThat(third - second).isEqualTo(100 * MS);
    }

    @Test
    void shouldKeepOneChatToOneMessageASecond() {
        SendPacer pacer = new SendPacer(30, 0, now::get);
        long first = pacer.reserve("42");
        long second = pacer.reserve("42");
        assertThat(second - first).isEqualTo(1000 * MS);
    }

    @Test
    void shouldNotLetOneChatsWaitingMessageHoldUpOtherChats() {
        // a campaign with a repeated chat must not stall the whole bot for that chat's second
        SendPacer pacer = new SendPacer(10, 0, now::get);
        long first = pacer.reserve("42");
        long again = pacer.reserve("42");
        long other = pacer.reserve("7");
        assertThat(again - first).isEqualTo(1000 * MS);
        assertThat(other - first).isEqualTo(100 * MS);
    }

    @Test
    void shouldKeepSlotsAnIntervalApartAroundALaterReservation() {
        SendPacer pacer = new SendPacer(10, 0, now::get);
        long first = pacer.reserve("42");
        pacer.reserve("42");                    // first + 1000 ms
        for (int chat = 1; chat <= 9; chat++) { // fill first + 100 .. first + 900
            pacer.reserve(Integer.toString(chat));
        }
        // first + 1000 is taken by chat 42's second message, so the next free slot is 1100
        assertThat(pacer.reserve("99") - first).isEqualTo(1100 * MS);
    }

    @Test
    void shouldAddTheMarginToEverySpacing() {
        // the margin absorbs network jitter so Telegram never counts 31 arrivals in one second
        SendPacer pacer = new SendPacer(10, 20, now::get);
        assertThat(-pacer.reserve("1") + pacer.reserve("2")).isEqualTo(102 * MS);
    }

    @Test
    void shouldHoldEverySendBehindAPause() {
        SendPacer pacer = new SendPacer(30, 0, now::get);
        pacer.pauseUntil(now.get() + 5000 * MS);
        assertThat(pacer.reserve("7")).isEqualTo(now.get() + 5000 * MS);
    }

    @Test
    void shouldNotShortenAPauseWithAnEarlierOne() {
        SendPacer pacer = new SendPacer(30, 0, now::get);
        pacer.pauseUntil(now.get() + 5000 * MS);
        pacer.pauseUntil(now.get() + 1000 * MS);
        assertThat(pacer.pausedUntil()).isEqualTo(now.get() + 5000 * MS);
    }

    @Test
    void shouldLetASendLeaveOnlyASecondAfterTheAnswerToTheSendTheRateBeforeIt() {
        // delays between leaving and arriving are uneven; counting from answers makes bunching at Telegram impossible
        SendPacer pacer = new SendPacer(3, 20, now::get);
        long start = now.get();
        long[] wait = new long[1];
        SendPacer.Departure first = pacer.depart(wait);
        now.set(start + 900 * MS);
        assertThat(pacer.depart(wait)).isNotNull();
        assertThat(pacer.depart(wait)).isNotNull();

        // the first send has no answer yet: the fourth waits for it
        assertThat(pacer.depart(wait)).isNull();
        assertThat(wait[0]).isEqualTo(SendPacer.ANSWER_POLL_NANOS);

        now.set(start + 1000 * MS);
        pacer.answered(first);
        assertThat(pacer.depart(wait)).isNull();
        assertThat(wait[0]).isEqualTo(1000 * MS);
        now.set(start + 2000 * MS);
        assertThat(pacer.depart(wait)).isNotNull();
    }
}
