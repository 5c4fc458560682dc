package org.repeatsales.hub.bench;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's 1C base as a process of its own, the way a real 1C runs on its own server: the
 * benchmark starts it from the same executable jar ({@code java -jar hub-app-exec.jar onec-peer ...})
 * with its own heap, so serving the base takes neither the hub's heap nor its garbage collections,
 * and the hub is measured, not the peer.
 *
 * <p>A line protocol on the standard streams: the peer prints {@code listening PORT} once it
 * serves; to the line {@code stats} it answers {@code stats DOCUMENT_REQUESTS CATALOG_REQUESTS
 * REMEMBERED_BYTES}; it stops when its standard input closes (the benchmark ended, or died).
 */
public final class OneCPeer {

    public static final String COMMAND = "onec-peer";
    private static final String LISTENING = "listening ";
    private static final String STATS = "stats";

    private final Process process;
    private final BufferedReader answers;
    private final PrintStream questions;
    private final int port;

    private OneCPeer(Process process) throws IOException {
        this.process = process;
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.questions = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.port = Integer.parseInt(answer(LISTENING).trim());
    }

    /** The peer's side: serves the generated base until its standard input closes. */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN); // no Spring here to apply the hub's logging settings
        int documents = Integer.parseInt(args[0]);
        int counterparties = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        OneCBenchBase data = new OneCBenchBase(documents, counterparties, seed);
        OneCODataSimulator base = new OneCODataSimulator("/buh", "Document_РеализацияТоваровУслуг");
        base.serveGenerated(data);
        data.fillCatalogs(base);
        base.rememberAnswers();
        WireMockServer server = base.start(8);
        try {
            System.out.println(LISTENING + server.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.trim().equals(STATS)) {
                    System.out.println(STATS + " " + base.documentRequests() + " " + base.catalogRequests() + " "
                            + base.rememberedBytes());
                    System.out.flush();
                }
            }
        } finally {
            server.stop();
        }
    }

    /**
     * Starts the peer serving {@code documents} generated from {@code seed} with its own heap of
     * {@code heapMb}, and waits until it serves.
     */
    static OneCPeer start(int documents, int counterparties, long seed, int heapMb) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heapMb + "m");
        // the collector bin/hub gives the hub: the peer stands for a server of its own, so the CPU it
        // takes from the two cores the hub shares with it is kept as low as a JVM allows
        command.add("-XX:+UseParallelGC");
        String classPath = System.getProperty("java.class.path");
        if (OneCPeer.class.getClassLoader().getClass().getName().startsWith("org.springframework.boot.loader")) {
            command.addAll(List.of("-jar", classPath)); // the executable jar, as bin/hub runs it
        } else { // tests and IDEs: the same classes, the same entry point
            command.addAll(List.of("-cp", classPath, org.repeatsales.hub.HubApplication.class.getName()));
        }
        command.addAll(List.of(COMMAND, Integer.toString(documents), Integer.toString(counterparties), Long.toString(seed)));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            return new OneCPeer(process);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    int port() {
        return port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Requests for document pages and for catalogs served so far, and the bytes of the answers it remembers. */
    record Stats(int documentRequests, int catalogRequests, long rememberedBytes) {
    }

    Stats stats() throws IOException {
        questions.println(STATS);
        String[] numbers = answer(STATS + " ").trim().split(" ");
        return new Stats(Integer.parseInt(numbers[0]), Integer.parseInt(numbers[1]), Long.parseLong(numbers[2]));
    }

    /** Closes the peer's input, which stops it, and waits for it to go. */
    void stop() throws InterruptedException {
        questions.close();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The rest of the first line starting with {@code prefix}; other lines the peer prints are passed on. */
    private String answer(String prefix) throws IOException {
        for (String line = answers.readLine(); line != null; line = answers.readLine()) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
            System.out.println("1C peer: " + line);
        }
        throw new IOException("The 1C peer stopped (exit " + exitValue() + ")");
    }

    private String exitValue() {
        try {
            return Integer.toString(process.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "1C peer pid %d on port %d", process.pid(), port);
    }
}
