package dev.lookalike.bench.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * Lucene's HNSW, float vectors ({@code Lucene99HnswVectorsFormat}) or quantized
 * ({@code Lucene104HnswScalarQuantizedVectorsFormat}, Lucene 10's successor of both
 * Lucene99HnswScalarQuantizedVectorsFormat and Lucene102HnswBinaryQuantizedVectorsFormat, which
 * are read-only in backward-codecs now): the graph is built and searched on the quantized vectors.
 * See {@link Variant} for which.
 *
 * <p>Fairness: one indexing thread; merges run in that same thread (SerialMergeScheduler) with one
 * merge worker; the index is force-merged to ONE segment before any query, so a query walks one
 * graph, as in hnswlib and FAISS. 100k vectors of 512 dims fit one RAM buffer and are flushed as
 * one segment; at 1M several segments are flushed and merging them is part of the build time.
 * A query asks Lucene for max(k, ef) hits (its candidate list is k) and keeps the best k; the
 * re-ranking variants first score all those hits with the raw floats Lucene keeps beside the
 * quantized vectors (as our HnswIndex re-scores its beam).
 */
final class LuceneEngine implements AnnEngine {

  private static final String FIELD = "v";
  private static final String ID = "id";
  /**
   * Just under the per-thread hard limit (1945 MB): as few flushed segments as Lucene allows. A
   * smaller value (system property {@code lookalike.bench.lucene.ram-mb}) tests the merge path.
   */
  private static final double RAM_BUFFER_MB = Double.parseDouble(System.getProperty("lookalike.bench.lucene.ram-mb", "1900"));

  /** Which vectors the graph is built and searched on, and whether the hits are re-ranked with the floats. */
  enum Variant {
    /** Float vectors, exact scores. */
    FLOAT("lucene-hnsw", null, false),
    /** 8-bit codes ({@code UNSIGNED_BYTE}, per-vector optimized intervals around the segment centroid), no re-ranking: like FAISS's HNSWSQ. */
    INT8("lucene-hnsw-int8", ScalarEncoding.UNSIGNED_BYTE, false),
    /** The same 8-bit graph, its hits re-ranked with the floats. */
    INT8_RERANK("lucene-hnsw-int8-rerank", ScalarEncoding.UNSIGNED_BYTE, true),
    /**
     * Binary quantization: one bit per dimension for stored vectors, four for the query
     * ({@code SINGLE_BIT_QUERY_NIBBLE}, Lucene's "better binary quantization" with optimized
     * scalar corrections), its hits re-ranked with the floats: binary codes rank too coarsely to
     * be used alone.
     */
    BIT_RERANK("lucene-hnsw-bit-rerank", ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE, true);

    final String id;
    final ScalarEncoding encoding; // null: float vectors
    final boolean rerank;

    Variant(String id, ScalarEncoding encoding, boolean rerank) {
      this.id = id;
      this.encoding = encoding;
      this.rerank = rerank;
    }

    /** The variant with this engine id, or null when the id names no Lucene engine. */
    static Variant of(String id) {
      for (Variant v : values()) if (v.id.equals(id)) return v;
      return null;
    }

    boolean quantized() {
      return encoding != null;
    }
  }

  private final Variant variant;
  private final MMapDirectory directory;
  private IndexWriter writer;
  private DirectoryReader reader;
  private IndexSearcher searcher;
  private int[] docToId;
  private FloatVectorValues floats; // the raw vectors, by doc (one dense segment), for re-ranking

  LuceneEngine(Path dir, Variant variant, int m, int efConstruction) throws IOException {
    this.variant = variant;
    KnnVectorsFormat format = variant.quantized()
        ? new Lucene104HnswScalarQuantizedVectorsFormat(variant.encoding, m, efConstruction)
        : new Lucene99HnswVectorsFormat(m, efConstruction);
    LogDocMergePolicy mergePolicy = new LogDocMergePolicy();
    mergePolicy.setNoCFSRatio(0); // separate files, so the report can tell graph, vectors and quantized data apart
    IndexWriterConfig config = new IndexWriterConfig()
        .setCodec(new Lucene104Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return format;
          }
        })
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
        .setRAMBufferSizeMB(RAM_BUFFER_MB)
        .setMergeScheduler(new SerialMergeScheduler())
        .setMergePolicy(mergePolicy)
        .setUseCompoundFile(false);
    directory = new MMapDirectory(dir);
    writer = new IndexWriter(directory, config);
  }

  @Override
  public String name() {
    return variant.id;
  }

  @Override
  public String buildNote() {
    return "1 indexing thread, serial merges, forceMerge(1) included";
  }

  @Override
  public void add(int id, float[] vector) throws IOException {
    Document doc = new Document();
    doc.add(new KnnFloatVectorField(FIELD, vector, VectorSimilarityFunction.DOT_PRODUCT));
    doc.add(new NumericDocValuesField(ID, id)); // doc ids may not follow insertion order after merges
    writer.addDocument(doc);
  }

  @Override
  public void finishBuild() throws IOException {
    writer.forceMerge(1);
  }

  /** Save: commit and close the writer. Load: open the directory again (memory-mapped) and read the id map. */
  @Override
  public Restore restore(Path unused) throws IOException {
    long t0 = System.nanoTime();
    writer.commit();
    writer.close();
    writer = null;
    long t1 = System.nanoTime();
    reader = DirectoryReader.open(directory);
    if (reader.leaves().size() != 1) throw new IllegalStateException("expected one segment, got " + reader.leaves().size());
    searcher = new IndexSearcher(reader); // no executor: the query runs in the calling thread
    searcher.setQueryCache(null);
    LeafReader leaf = reader.leaves().get(0).reader();
    docToId = readIds(leaf);
    floats = leaf.getFloatVectorValues(FIELD);
    if (floats.size() != leaf.maxDoc()) throw new IllegalStateException("expected a vector in every document");
    long t2 = System.nanoTime();
    return new Restore((t1 - t0) / 1e9, (t2 - t1) / 1e9, filesBytes(false),
        "commit+close / DirectoryReader.open (mmap: pages load lazily on first queries)");
  }

  @Override
  public int[] search(float[] query, int k, int ef) throws IOException {
    int n = Math.max(k, ef);
    TopDocs top = searcher.search(new KnnFloatVectorQuery(FIELD, query, n), n);
    ScoreDoc[] hits = variant.rerank ? reranked(query, top.scoreDocs) : top.scoreDocs;
    int[] ids = new int[Math.min(k, hits.length)];
    for (int i = 0; i < ids.length; i++) ids[i] = docToId[hits[i].doc];
    return ids;
  }

  /** The hits scored with the raw floats, best first (a dense field: a document's ordinal is its id). */
  private ScoreDoc[] reranked(float[] query, ScoreDoc[] hits) throws IOException {
    ScoreDoc[] exact = new ScoreDoc[hits.length];
    for (int i = 0; i < hits.length; i++) {
      exact[i] = new ScoreDoc(hits[i].doc, VectorUtil.dotProduct(query, floats.vectorValue(hits[i].doc)));
    }
    Arrays.sort(exact, (a, b) -> Float.compare(b.score, a.score));
    return exact;
  }

  /**
   * The files a search walks: graph and the vectors it scores (for quantized variants, the codes,
   * not the raw floats: those are read only for the hits re-ranked, like our mapped floats).
   */
  @Override
  public long offHeapBytes() throws IOException {
    return filesBytes(true);
  }

  /** File name extension to size, for the notes. */
  Map<String, Long> fileSizes() throws IOException {
    Map<String, Long> sizes = new TreeMap<>();
    for (String file : directory.listAll()) {
      int dot = file.lastIndexOf('.');
      sizes.merge(dot < 0 ? file : file.substring(dot + 1), directory.fileLength(file), Long::sum);
    }
    return sizes;
  }

  private long filesBytes(boolean searchedOnly) throws IOException {
    long sum = 0;
    for (Map.Entry<String, Long> e : fileSizes().entrySet()) {
      String ext = e.getKey();
      // .vec holds raw floats: searched by the float format; kept for merging and re-ranking by the quantized ones.
      boolean searched = ext.startsWith("ve") && !(variant.quantized() && ext.equals("vec"));
      if (!searchedOnly || searched) sum += e.getValue();
    }
    return sum;
  }

  private static int[] readIds(LeafReader leaf) throws IOException {
    int[] ids = new int[leaf.maxDoc()];
    NumericDocValues values = leaf.getNumericDocValues(ID);
    for (int doc = values.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = values.nextDoc()) {
      ids[doc] = (int) values.longValue();
    }
    return ids;
  }

  @Override
  public void close() throws IOException {
    if (writer != null) writer.close();
    if (reader != null) reader.close();
    directory.close();
  }
}
