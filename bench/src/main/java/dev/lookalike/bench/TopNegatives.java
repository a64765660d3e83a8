package dev.lookalike.bench;

import dev.lookalike.embedding.Vectors;
import dev.lookalike.embedding.testing.NearDuplicateProtocol.Embedded;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntUnaryOperator;

/** The unrelated pairs that score highest: what a false positive actually looks like. */
final class TopNegatives {

    record Pair(double score, int variantOf, String edit, int base) {
    }

    private TopNegatives() {
    }

    static List<Pair> find(Embedded run, IntUnaryOperator group, int limit) {
        PriorityQueue<Pair> top = new PriorityQueue<>(Comparator.comparingDouble(Pair::score));
        int n = run.bases().length;
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < run.transforms().size(); t++) {
                for (int j = 0; j < n; j++) {
                    if (group.applyAsInt(i) == group.applyAsInt(j)) {
                        continue;
                    }
                    double score = Vectors.dot(run.variants()[i][t], run.bases()[j]);
                    if (top.size() < limit || score > top.peek().score()) {
                        top.add(new Pair(score, i, run.transforms().get(t), j));
                        if (top.size() > limit) {
                            top.poll();
                        }
                    }
                }
            }
        }
        List<Pair> sorted = new ArrayList<>(top);
        sorted.sort(Comparator.comparingDouble(Pair::score).reversed());
        return sorted;
    }
}
