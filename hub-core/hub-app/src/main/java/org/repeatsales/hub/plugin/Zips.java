package org.repeatsales.hub.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Expands a plugin zip, refusing entries that would land outside the target folder. */
final class Zips {

    private Zips() {
    }

    static void expand(Path zip, Path target) throws IOException {
        Files.createDirectories(target);
        int entries = 0;
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                entries++;
                Path out = target.resolve(e.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("entry '" + e.getName() + "' points outside the plugin");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(z, out);
                }
            }
        }
        if (entries == 0) {
            throw new IOException(zip.getFileName() + " is not a zip archive or is empty");
        }
    }
}
