package dev.mmrag.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.Filter;
import dev.mmrag.api.KeywordDocument;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LuceneKeywordIndex#save} and {@link LuceneKeywordIndex#load}: round trip, crash safety, damaged files. */
class PersistenceTest {

    @TempDir
    Path folder;

    private static List<KeywordDocument> documents() {
        List<KeywordDocument> docs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            docs.add(new KeywordDocument(String.format("sku-%04d", i),
                    Map.of("name", "Product " + i + (i % 2 == 0 ? " striped" : " plain"), "brand", "Brand" + (char) ('a' + i % 5)),
                    Map.of("price", 10.0 + i, "tags", List.of("t" + i % 3, (long) i), "sale", i % 4 == 0,
                            "brand", "Brand" + (char) ('a' + i % 5))));
        }
        docs.add(new KeywordDocument("ünïcode", Map.of("name", "Crème brûlée 🍮"), Map.of()));
        return docs;
    }

    private static List<String> folderContents(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void aLoadedIndexAnswersLikeTheSavedOne() {
        Path file = folder.resolve("keywords.idx");
        List<KeywordSearchRequest> requests = List.of(KeywordSearchRequest.of("striped", 30),
                KeywordSearchRequest.of("SKU 0042", 3), KeywordSearchRequest.of("brandc product", 20)
                        .withFilter(Filter.and(Filter.eq("sale", true), Filter.lt("price", 40))),
                KeywordSearchRequest.of("creme brulee", 5), KeywordSearchRequest.of("t1 striped", 30)
                        .withFieldBoosts(Map.of("name", 2.0)));
        try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().bm25(1.5, 0.5).build()) {
            index.upsert(documents());
            index.delete(List.of("sku-0003"));
            index.save(file);
            List<List<SearchHit>> before = requests.stream().map(index::search).collect(Collectors.toList());
            // Loading re-indexes the documents, so the loaded index equals one built afresh from them (the saved
            // one's BM25 statistics still counted the deleted document, as Lucene does until segments merge).
            List<KeywordDocument> surviving = documents().stream().filter(d -> !d.id().equals("sku-0003"))
                    .sorted(java.util.Comparator.comparing(KeywordDocument::id)).collect(Collectors.toList());
            try (LuceneKeywordIndex loaded = LuceneKeywordIndex.load(file);
                    LuceneKeywordIndex fresh = LuceneKeywordIndex.builder().bm25(1.5, 0.5).build()) {
                fresh.upsert(surviving);
                assertThat(loaded.count()).isEqualTo(50);
                assertThat(loaded.metadataKeys()).containsExactlyInAnyOrder("price", "tags", "sale", "brand");
                for (int i = 0; i < requests.size(); i++) {
                    List<SearchHit> hits = loaded.search(requests.get(i));
                    assertThat(hits).as("%s", requests.get(i)).isEqualTo(fresh.search(requests.get(i)));
                    assertThat(hits).as("%s", requests.get(i)).extracting(SearchHit::id)
                            .containsExactlyInAnyOrderElementsOf(before.get(i).stream().map(SearchHit::id)
                                    .collect(Collectors.toList()));
                }
                assertThat(before.get(1).get(0).id()).isEqualTo("sku-0042");
                assertThat(before.get(3).get(0).id()).isEqualTo("ünïcode");
            }
        }
    }

    @Test
    void saveReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = folder.resolve("keywords.idx");
        try (LuceneKeywordIndex index = LuceneKeywordIndex.create()) {
            index.upsert(documents());
            index.save(file);
            index.delete(List.of("sku-0001"));
            index.upsert(new KeywordDocument("new", Map.of("name", "velvet"), Map.of()));
            index.save(file);
        }
        assertThat(folderContents(folder)).containsExactly("keywords.idx");
        try (LuceneKeywordIndex loaded = LuceneKeywordIndex.load(file)) {
            assertThat(loaded.count()).isEqualTo(51);
            assertThat(loaded.search(KeywordSearchRequest.of("velvet", 1))).extracting(SearchHit::id)
                    .containsExactly("new");
        }
    }

    @Test
    void aSaveIntoAMissingFolderNamesItAndWritesNothing() {
        Path file = folder.resolve("missing").resolve("keywords.idx");
        try (LuceneKeywordIndex index = LuceneKeywordIndex.create()) {
            assertThatThrownBy(() -> index.save(file)).isInstanceOf(StoreException.class)
                    .hasMessageContaining(folder.resolve("missing").toString());
        }
        assertThat(Files.exists(file.getParent())).isFalse();
    }

    @Test
    void aTargetThatIsNotARegularFileIsRefusedAndLeftAlone() throws IOException {
        Path folderTarget = Files.createDirectory(folder.resolve("a-folder"));
        Path real = folder.resolve("real.idx");
        Path link = Files.createSymbolicLink(folder.resolve("link.idx"), real);
        try (LuceneKeywordIndex index = LuceneKeywordIndex.create()) {
            index.upsert(documents());
            index.save(real);
            long size = Files.size(real);
            assertThatThrownBy(() -> index.save(folderTarget)).isInstanceOf(dev.mmrag.api.InvalidInputException.class)
                    .hasMessageContaining(folderTarget.toString());
            assertThatThrownBy(() -> index.save(link)).isInstanceOf(dev.mmrag.api.InvalidInputException.class)
                    .hasMessageContaining(link.toString());
            assertThat(Files.isSymbolicLink(link)).isTrue();
            assertThat(Files.size(real)).isEqualTo(size);
        }
        assertThat(folderContents(folder)).containsExactly("a-folder", "link.idx", "real.idx");
    }

    @Test
    void everyDamagedByteIsFoundBeforeAnythingIsParsed() throws IOException {
        Path file = folder.resolve("keywords.idx");
        try (LuceneKeywordIndex index = LuceneKeywordIndex.create()) {
            index.upsert(documents());
            index.save(file);
        }
        byte[] good = Files.readAllBytes(file);
        Path damaged = folder.resolve("damaged.idx");
        for (int at = 0; at < good.length; at += Math.max(1, good.length / 97)) {
            byte[] bytes = good.clone();
            bytes[at] ^= 0x5A;
            Files.write(damaged, bytes);
            assertThatThrownBy(() -> LuceneKeywordIndex.load(damaged)).as("byte %d flipped", at)
                    .isInstanceOf(StoreException.class).hasMessageContaining(damaged.toString());
        }
    }

    @Test
    void truncatedEmptyForeignAndMissingFilesAreRefusedWithTheirName() throws IOException {
        Path file = folder.resolve("keywords.idx");
        try (LuceneKeywordIndex index = LuceneKeywordIndex.create()) {
            index.upsert(documents());
            index.save(file);
        }
        byte[] good = Files.readAllBytes(file);
        Path bad = folder.resolve("bad.idx");
        for (int length : new int[] {0, 5, 30, good.length / 2, good.length - 1}) {
            Files.write(bad, Arrays.copyOf(good, length));
            assertThatThrownBy(() -> LuceneKeywordIndex.load(bad)).as("%d bytes", length)
                    .isInstanceOf(StoreException.class).hasMessageContaining(bad.toString());
        }
        Files.writeString(bad, "MMRAGHNS this is some other file, long enough to have a trailer .......");
        assertThatThrownBy(() -> LuceneKeywordIndex.load(bad)).isInstanceOf(StoreException.class)
                .hasMessageContaining("keyword index file");
        assertThatThrownBy(() -> LuceneKeywordIndex.load(folder.resolve("nothing.idx")))
                .isInstanceOf(StoreException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aClosedIndexRefusesWork() {
        LuceneKeywordIndex index = LuceneKeywordIndex.create();
        index.close();
        index.close();
        assertThatThrownBy(() -> index.search(KeywordSearchRequest.of("x", 1))).isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> index.save(folder.resolve("x"))).isInstanceOf(StoreException.class);
    }
}
