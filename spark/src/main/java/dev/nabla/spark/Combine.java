package dev.nabla.spark;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Combines one result per partition into one, as {@code treeAggregate} does, but in a fixed order. Spark's
 * {@code treeAggregate} and {@code reduce} merge results in the order tasks happen to finish, and float sums depend
 * on their order, so the same run would end with different last bits from one execution to the next, and a retried
 * task could change the result. Here results are merged in partition order at every level: up to {@code fanIn}
 * results go straight to the driver; with more, each level sends groups of {@code fanIn} consecutive partitions' results
 * to one task (a shuffle) that merges them in order, until at most {@code fanIn} remain. The result depends only on
 * the partitions' results and their count.
 */
final class Combine {

    private Combine() {
    }

    static <T extends Serializable> T inOrder(JavaRDD<T> onePerPartition, int fanIn, Function2<T, T, T> merge)
            throws Exception {
        JavaPairRDD<Integer, T> level = onePerPartition.mapPartitionsWithIndex((p, it) -> {
            List<Tuple2<Integer, T>> out = new ArrayList<>();
            it.forEachRemaining(t -> out.add(new Tuple2<>(p, t)));
            return out.iterator();
        }, true).mapToPair(t -> t);
        int results = onePerPartition.getNumPartitions();
        while (results > fanIn) {
            int groups = (results + fanIn - 1) / fanIn;
            level = level.mapToPair(t -> new Tuple2<>(t._1() / fanIn, t))
                    .groupByKey(new HashPartitioner(groups))
                    .mapToPair(g -> {
                        List<Tuple2<Integer, T>> members = new ArrayList<>();
                        g._2().forEach(members::add);
                        return new Tuple2<>(g._1(), mergeAll(members, merge));
                    });
            results = groups;
        }
        return mergeAll(new ArrayList<>(level.collect()), merge);
    }

    /** Merges left to right in order of the keys. */
    static <T> T mergeAll(List<Tuple2<Integer, T>> keyed, Function2<T, T, T> merge) throws Exception {
        keyed.sort(Comparator.comparing(Tuple2::_1));
        T out = keyed.get(0)._2();
        for (int i = 1; i < keyed.size(); i++) {
            out = merge.call(out, keyed.get(i)._2());
        }
        return out;
    }
}
