package dev.kubetracker.worker.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.InfoHashes;
import dev.kubetracker.worker.testing.Opentracker;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.TestWorker;
import dev.kubetracker.worker.testing.UdpClient;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Every {@code /stats} mode of ours against Debian's opentracker after the same traffic: the same
 * lines, literal words and number positions in the text modes, the same code lists in {@code herr} and
 * {@code renew}, the same sections in the top lists, and the same element paths (with their code and
 * interval attributes, and which leaves are numbers) in {@code everything}. Counts differ; the shapes
 * that parsers rely on may not.
 */
@QuarkusTest
class StatsMatchOpentrackerSocketTest {
    private static final byte[] TWO_SEEDERS = InfoHashes.random(16_001);
    private static final byte[] SEEDERS_AND_LEECHER = InfoHashes.random(16_002);

    private static Opentracker opentracker;

    @BeforeAll
    static void sameTrafficToBoth() throws Exception {
        opentracker = Opentracker.start(TWO_SEEDERS, SEEDERS_AND_LEECHER);
        for (int port : new int[] {opentracker.port, TestWorker.clientPort()}) {
            announce(port, TWO_SEEDERS, 7001, 0, "");
            announce(port, TWO_SEEDERS, 7002, 0, "");
            announce(port, SEEDERS_AND_LEECHER, 7003, 0, "&event=completed");
            announce(port, SEEDERS_AND_LEECHER, 7004, 0, "");
            announce(port, SEEDERS_AND_LEECHER, 7005, 5, "&event=started");
            RawHttp.get("127.0.0.1", port, "/scrape?info_hash=" + RawHttp.percentEncode(TWO_SEEDERS)).expect(200);
            RawHttp.get("127.0.0.1", port, "/scrape").expect(200);
            RawHttp.get("127.0.0.1", port, "/stats?mode=no-such-mode").expect(400);
            try (UdpClient udp = new UdpClient("127.0.0.1", port)) {
                long connection = udp.connect();
                udp.announce(connection, TWO_SEEDERS, 2, 10, 10, 7006);
                udp.scrape(connection, TWO_SEEDERS);
            }
        }
    }

    @AfterAll
    static void stopOpentracker() throws Exception {
        if (opentracker != null) {
            opentracker.close();
        }
    }

    private static void announce(int port, byte[] hash, int peerPort, long left, String extra) throws IOException {
        RawHttp.get("127.0.0.1", port, "/announce?info_hash=" + RawHttp.percentEncode(hash) + "&peer_id=-KT0001-"
                + peerPort + "abcdefgh&port=" + peerPort + "&left=" + left + "&compact=1" + extra).expect(200);
    }

    /** The body of a mode, after checking status and content type are opentracker's. */
    private static String[] bothSay(String mode) throws IOException {
        RawHttp.Response theirs = RawHttp.get("127.0.0.1", opentracker.port, "/stats?mode=" + mode);
        RawHttp.Response ours = RawHttp.get("127.0.0.1", TestWorker.clientPort(), "/stats?mode=" + mode);
        assertEquals(200, theirs.status(), theirs::text);
        assertEquals(200, ours.status(), ours::text);
        assertEquals(theirs.header("Content-Type"), ours.header("Content-Type"), mode);
        return new String[] {theirs.text(), ours.text()};
    }

    /** Every run of digits as N: what is left is the lines, the words and where the numbers stand. */
    private static String lineShape(String text) {
        return text.replaceAll("\\d+", "N");
    }

    @ParameterizedTest
    @ValueSource(strings = {"peer", "torr", "conn", "tcp4", "udp4", "scrp", "fscr", "completed"})
    void textModesHaveOpentrackersLinesWordsAndNumberPositions(String mode) throws IOException {
        String[] said = bothSay(mode);
        assertEquals(lineShape(said[0]), lineShape(said[1]), mode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"herr", "renew"})
    void codeListsAreOpentrackersLineForLine(String mode) throws IOException {
        String[] said = bothSay(mode);
        String counts = "(?m) \\d+$";
        assertEquals(said[0].replaceAll(counts, " N"), said[1].replaceAll(counts, " N"), mode);
    }

    /** Each entry as one line whatever its count and hash; several entries as one (other tests add torrents). */
    private static String topShape(String text) {
        return text.replaceAll("(?m)^\\t\\d+\\t[0-9A-F]{40}$", "\tN\tHASH").replaceAll("(\tN\tHASH\n)+", "\tN\tHASH\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"top10", "top100"})
    void topListsHaveOpentrackersTwoSections(String mode) throws IOException {
        String[] said = bothSay(mode);
        assertTrue(topShape(said[0]).contains("\tN\tHASH\n"), said[0]);
        assertEquals(topShape(said[0]), topShape(said[1]), mode);
    }

    @Test
    void everythingHasOpentrackersElementsCodesAndIntervals() throws Exception {
        String[] said = bothSay("everything");
        List<String> theirs = elementPaths(said[0]);
        assertTrue(theirs.contains("/stats/debug/mutex_stall/count #"), String.join("\n", theirs));
        assertEquals(String.join("\n", theirs), String.join("\n", elementPaths(said[1])));
        assertEquals(said[0].startsWith("<?xml"), said[1].startsWith("<?xml"));
        assertEquals(said[0].endsWith("\n"), said[1].endsWith("\n"));
    }

    /** Each element in document order: its path, its attributes, and for a leaf whether it holds a number. */
    private static List<String> elementPaths(String xml) throws Exception {
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .getDocumentElement();
        List<String> paths = new ArrayList<>();
        collect(root, "", paths);
        return paths;
    }

    private static void collect(Element element, String parent, List<String> paths) {
        String path = parent + "/" + element.getTagName();
        StringBuilder line = new StringBuilder(path);
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            line.append('[').append(attributes.item(i).getNodeName()).append('=')
                    .append(attributes.item(i).getNodeValue()).append(']');
        }
        boolean leaf = true;
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            leaf &= child.getNodeType() != Node.ELEMENT_NODE;
        }
        if (leaf) {
            line.append(element.getTextContent().trim().matches("\\d+") ? " #" : " text");
        }
        paths.add(line.toString());
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                collect(e, path, paths);
            }
        }
    }

    @Test
    void versionIsLinesOfTextAsOpentrackers() throws IOException {
        String[] said = bothSay("version");
        String linesOfText = "([^\\n]+\\n)+";
        assertTrue(said[0].matches(linesOfText), said[0]);
        assertTrue(said[1].matches(linesOfText), said[1]);
    }

    @Test
    void unknownModeIsRefusedAsOpentrackerRefusesIt() throws IOException {
        RawHttp.Response theirs = RawHttp.get("127.0.0.1", opentracker.port, "/stats?mode=no-such-mode");
        RawHttp.Response ours = RawHttp.get("127.0.0.1", TestWorker.clientPort(), "/stats?mode=no-such-mode");
        assertEquals(theirs.status(), ours.status());
        assertEquals(theirs.text(), ours.text());
    }
}
