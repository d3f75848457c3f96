package dev.kubetracker.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** The bench's commands; {@code help} lists them. */
public final class Main {
    private static final String USAGE = """
            usage: java -jar kubetracker-bench.jar COMMAND [--option value ...]

              udp      BEP 15 load: connect once per socket, then announces and scrapes (100:1)
                       --host 127.0.0.1 --port 6969 --duration 10s --warmup 2s --count 50m --window 256
                       --timeout 1s --numwant 30 --scrape-every 101 (0: no scrapes) --scrape-hashes 10
                       --connect-each (a connect before every announce)
                       --fill (announce each peer once, in torrent peer % torrents, then stop)
                       --reannounce (as --fill, round after round, for the duration)
                       --as-modelled (--fill/--reannounce: each peer in its torrent of the popularity model,
                       where the other workloads announce it, not peer % torrents)
                       --rate 0 (requests per second; 0: as fast as the window allows); --scrape-every 1: scrapes only
                       --new-torrents (each announce for a torrent never announced before, one peer each)
                       --first-source 0 (index of the first source address)
              http     HTTP announce load, one request in flight per connection
                       --window 32 (connections) --no-keepalive (a new connection per request)
                       and --host --port --duration --warmup --count --timeout --numwant as above
                       both: --torrents 1m --peers 2m --seeders 0.75 --popularity-exponent 1.0 --seed 42
                       --sources 64 (source addresses 127.1.x.y) --scenario NAME --tracker NAME
                       --pid PID (tracker process: report its CPU time) --json FILE (append the JSON line)
                       --start N (which fresh start of the tracker this run belongs to, for compare)
                       --allow-remote (a --host that is not loopback)
              flood    announces of new torrents (one peer each) from --sources 1 addresses, while --good-clients 4
                       re-announce --good-peers 1000 known peers of --good-torrents 500 at --good-rate 200/s;
                       samples each worker's RSS and metrics once a second; reports when refusals began,
                       what the tracker held then, peak RSS against the limit, and the answers by kind
                       --host --port --duration 60s --count 1000m --window 256 --timeout 1s --seed --json
                       --pid PID[,PID...] --metrics http://127.0.0.1:9000/q/metrics[,...] (same workers,
                       same order, the flooded one first) --limit-bytes 1073741824 --scenario NAME
              hashes   the info hashes of the torrent model, one hex line each (an opentracker whitelist)
                       --torrents 1m --seed 42
              check-scrape FILE [--gzip]   checks a full scrape is complete bencode; prints a JSON line
              compare FILE [--ours kubetracker --theirs opentracker --ceiling ceiling]   Markdown tables over
                       fresh starts: min / median / max, ratios, and the verdicts on the targets
              replication-model   cluster announces/s of full replication from measured costs (ns of CPU)
                       --local-ns (a local announce) --send-ns (per change) --send-per-sibling-ns --apply-ns
                       --pods 1,2,3,5,10,20 --cores 1,2,4,8; a second table with the apply on every core
              jmh [JMH options]   the micro-benchmarks (e.g. `jmh -f 1 -wi 3 -i 5 StoreBenchmark`)
            """;

    private Main() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help")) {
            System.out.print(USAGE);
            return;
        }
        String command = argv[0];
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        try {
            switch (command) {
                case "udp", "http" -> load(command, new Args(rest));
                case "flood" -> flood(new Args(rest));
                case "hashes" -> hashes(new Args(rest), System.out);
                case "check-scrape" -> checkScrape(rest);
                case "compare" -> compare(rest);
                case "replication-model" -> replicationModel(new Args(rest), System.out);
                case "jmh" -> org.openjdk.jmh.Main.main(rest);
                default -> throw new IllegalArgumentException("unknown command: " + command);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
    }

    private static void load(String mode, Args args) throws IOException {
        LoadOptions options = LoadOptions.from(mode, args);
        args.checkAllUsed();
        RunReport report;
        if (mode.equals("udp")) {
            try (UdpLoad load = new UdpLoad(options)) {
                report = load.run();
            }
        } else {
            try (HttpLoad load = new HttpLoad(options)) {
                report = load.run();
            }
        }
        print(report.toText(), report.toJson(), options.jsonFile());
    }

    private static void flood(Args args) throws IOException, InterruptedException {
        FloodOptions options = FloodOptions.from(args);
        args.checkAllUsed();
        FloodReport report = new FloodRun(options).run();
        print(report.toText(), report.toJson(), options.jsonFile());
    }

    /** The readable summary, then the JSON line (also appended to {@code jsonFile} when there is one). */
    private static void print(String text, String json, String jsonFile) throws IOException {
        System.out.print(text);
        System.out.println(json);
        if (jsonFile != null) {
            Files.writeString(Path.of(jsonFile), json + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    static void hashes(Args args, PrintStream out) {
        int torrents = args.integer("torrents", 1_000_000);
        TorrentModel model = new TorrentModel(torrents, 1, 1, 1.0, 0.75, args.longValue("seed", 42));
        args.checkAllUsed();
        Writer w = new PrintWriter(out, false, StandardCharsets.US_ASCII);
        char[] line = new char[41];
        line[40] = '\n';
        try {
            for (int rank = 0; rank < torrents; rank++) {
                model.hexInfoHash(rank, line);
                w.write(line);
            }
            w.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void replicationModel(Args args, PrintStream out) {
        ReplicationModel model = new ReplicationModel(required(args, "local-ns"), required(args, "send-ns"),
                required(args, "send-per-sibling-ns"), required(args, "apply-ns"), false);
        int[] pods = integers(args.string("pods", "1,2,3,5,10,20"));
        int[] cores = integers(args.string("cores", "1,2,4,8"));
        args.checkAllUsed();
        out.println("Full replication as built (one receiver thread, one sender thread; (r): the receiver thread is "
                + "the bound, (s): the sender thread):");
        out.println();
        out.print(model.table(pods, cores));
        out.println();
        out.println("With the apply spread over every core (not built):");
        out.println();
        out.print(model.withMultiThreadedApply().table(pods, cores));
    }

    private static double required(Args args, String name) {
        double value = args.decimal(name, Double.NaN);
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static int[] integers(String commaSeparated) {
        try {
            return Arrays.stream(commaSeparated.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a comma-separated list of numbers: " + commaSeparated);
        }
    }

    private static void checkScrape(String[] argv) throws IOException {
        if (argv.length < 1) {
            throw new IllegalArgumentException("check-scrape needs a file");
        }
        Args args = new Args(Arrays.copyOfRange(argv, 1, argv.length));
        boolean gzip = args.flag("gzip");
        args.checkAllUsed();
        byte[] raw = Files.readAllBytes(Path.of(argv[0]));
        byte[] body = raw;
        String problem = "";
        if (gzip) {
            try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                body = in.readAllBytes();
            } catch (IOException e) {
                body = null;
                problem = "gzip stream broken: " + e.getMessage();
            }
        }
        Bencode.ScrapeCheck check = body == null ? new Bencode.ScrapeCheck(false, 0, problem)
                : Bencode.checkFullScrape(body, body.length);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", argv[0]);
        out.put("bytes", raw.length);
        out.put("decoded_bytes", body == null ? 0 : body.length);
        out.put("valid", check.valid());
        out.put("torrents", check.torrents());
        out.put("problem", check.problem());
        System.out.println(Json.write(out));
    }

    private static void compare(String[] argv) throws IOException {
        if (argv.length < 1) {
            throw new IllegalArgumentException("compare needs a file of JSON lines");
        }
        Args args = new Args(Arrays.copyOfRange(argv, 1, argv.length));
        Comparison c = new Comparison(args.string("ours", "kubetracker"), args.string("theirs", "opentracker"),
                args.string("ceiling", "ceiling"));
        args.checkAllUsed();
        for (String line : Files.readAllLines(Path.of(argv[0]), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                c.add(RunReport.fromJson(line));
            }
        }
        System.out.print(c.table());
    }
}
