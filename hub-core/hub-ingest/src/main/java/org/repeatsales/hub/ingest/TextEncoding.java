package org.repeatsales.hub.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decides how the bytes of a text export are to be decoded. 1C and Excel on Windows write
 * windows-1251 unless told otherwise, newer tools write UTF-8, sometimes with a BOM; a strictly
 * valid UTF-8 sample is practically never windows-1251 Cyrillic, which is what detection relies on.
 */
final class TextEncoding {

    static final int SAMPLE_BYTES = 64 * 1024;
    static final Charset WINDOWS_1251 = Charset.forName("windows-1251");

    private TextEncoding() {
    }

    /**
     * Looks at the start of {@code in} (leaving it where it was, except that a UTF-8 BOM is
     * consumed) and returns the charset to decode it with.
     *
     * @param setting the mapping's {@code encoding}: null or {@code auto} to detect
     */
    static Charset choose(BufferedInputStream in, String setting) throws IOException, UnreadableFileException {
        byte[] sample = new byte[SAMPLE_BYTES];
        in.mark(SAMPLE_BYTES + 1);
        int len = 0;
        while (len < sample.length) {
            int n = in.read(sample, len, sample.length - len);
            if (n < 0) {
                break;
            }
            len += n;
        }
        in.reset();
        boolean truncated = len == sample.length;

        if (len >= 2 && ((sample[0] == (byte) 0xFF && sample[1] == (byte) 0xFE) || (sample[0] == (byte) 0xFE && sample[1] == (byte) 0xFF))) {
            throw new UnreadableFileException("File is in UTF-16; save it as UTF-8 or windows-1251 (\"CSV UTF-8\" in Excel)");
        }
        if (looksBinary(sample, len)) {
            throw new UnreadableFileException("file looks binary, not a text export");
        }
        if (len >= 3 && sample[0] == (byte) 0xEF && sample[1] == (byte) 0xBB && sample[2] == (byte) 0xBF) {
            // a BOM is unambiguous, whatever the mapping says
            in.skipNBytes(3);
            return StandardCharsets.UTF_8;
        }
        String wanted = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        switch (wanted) {
            case "", "auto":
                return firstInvalidUtf8(sample, len, truncated) < 0 ? StandardCharsets.UTF_8 : WINDOWS_1251;
            case "utf-8", "utf8":
                int bad = firstInvalidUtf8(sample, len, truncated);
                if (bad >= 0) {
                    throw notUtf8(bad);
                }
                return StandardCharsets.UTF_8;
            case "windows-1251", "cp1251", "1251":
                return WINDOWS_1251;
            default:
                try {
                    return Charset.forName(setting.trim());
                } catch (IllegalArgumentException e) {
                    throw new UnreadableFileException("Unknown encoding '" + setting + "' in the mapping; use auto, utf-8 or windows-1251");
                }
        }
    }

    static UnreadableFileException notUtf8(long offset) {
        return new UnreadableFileException("File is not valid UTF-8 (bad byte near offset " + offset
                + "); exports from 1C and Excel on Windows are usually windows-1251: set encoding: windows-1251 or auto in the mapping");
    }

    /**
     * A reader for the rest of {@code in}. UTF-8 is decoded strictly so that a file which turns out
     * not to be UTF-8 after the sample fails loudly instead of importing mojibake.
     */
    static Reader reader(BufferedInputStream in, Charset charset) {
        CharsetDecoder decoder = charset.newDecoder();
        if (charset.equals(StandardCharsets.UTF_8)) {
            decoder.onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        } else {
            // windows-1251 leaves 0x98 undefined; one odd character is no reason to refuse a file
            decoder.onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        }
        return new InputStreamReader(in, decoder);
    }

    private static boolean looksBinary(byte[] b, int len) {
        int controls = 0;
        for (int i = 0; i < len; i++) {
            int c = b[i] & 0xFF;
            if (c == 0) {
                return true;
            }
            if (c < 0x09 || (c > 0x0D && c < 0x20 && c != 0x1A)) {
                controls++;
            }
        }
        return len > 0 && controls * 10 > len;
    }

    /**
     * Offset of the first byte that breaks UTF-8, or -1 if the sample is valid. A sequence cut
     * off by the end of a truncated sample is not an error: the rest is just not in the sample.
     */
    static int firstInvalidUtf8(byte[] b, int len, boolean truncated) {
        int i = 0;
        while (i < len) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int min2 = 0x80;
            int max2 = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                if (c == 0xE0) {
                    min2 = 0xA0; // overlong
                } else if (c == 0xED) {
                    max2 = 0x9F; // surrogates
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                if (c == 0xF0) {
                    min2 = 0x90;
                } else if (c == 0xF4) {
                    max2 = 0x8F;
                }
            } else {
                return i;
            }
            for (int k = 1; k <= need; k++) {
                if (i + k >= len) {
                    return truncated ? -1 : i;
                }
                int cc = b[i + k] & 0xFF;
                int lo = k == 1 ? min2 : 0x80;
                int hi = k == 1 ? max2 : 0xBF;
                if (cc < lo || cc > hi) {
                    return i;
                }
            }
            i += need + 1;
        }
        return -1;
    }
}
