package dev.lookalike.topology.store;

/** The total order of images: upload time, then id. It decides which side of a pair is "later". */
public final class PairOrder {

  private PairOrder() {}

  public static int compare(long uploadedAtA, String idA, long uploadedAtB, String idB) {
    int byTime = Long.compare(uploadedAtA, uploadedAtB);
    return byTime != 0 ? byTime : idA.compareTo(idB);
  }
}
