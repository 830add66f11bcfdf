package dev.dbbackup.pipeline.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.openpgp.PGPUtil;

/** Key file contents as one binary packet stream, whether binary, one armored block, or several armored blocks pasted together. */
final class KeyBlocks {

    private static final String BEGIN = "-----BEGIN PGP ";

    private KeyBlocks() {
    }

    static InputStream decode(byte[] content) throws IOException {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        List<Integer> starts = new ArrayList<>();
        for (int at = text.indexOf(BEGIN); at >= 0; at = text.indexOf(BEGIN, at + 1)) {
            starts.add(at);
        }
        if (starts.size() <= 1) {
            return PGPUtil.getDecoderStream(new ByteArrayInputStream(content));
        }
        List<InputStream> blocks = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1) : content.length;
            byte[] block = java.util.Arrays.copyOfRange(content, starts.get(i), end);
            blocks.add(new ByteArrayInputStream(PGPUtil.getDecoderStream(new ByteArrayInputStream(block)).readAllBytes()));
        }
        return new SequenceInputStream(Collections.enumeration(blocks));
    }
}
