package dev.nabla.spark;

import dev.nabla.runtime.NablaException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.util.List;
import java.util.Map;

/**
 * A DataFrame turned into one cached {@link Shard} per partition. Each row gets its position in the DataFrame's
 * order ({@code zipWithIndex}) before any repartitioning, so the global batches, which are lists of positions, do not
 * depend on how many partitions there are. The shards are kept with {@code MEMORY_AND_DISK}; a shard that is lost
 * anyway (an executor dies) is rebuilt from the DataFrame's lineage, which gives the same rows when the DataFrame's
 * order is deterministic (files read in order are; a DataFrame shuffled without a sort is not, as for
 * {@code zipWithIndex} itself).
 */
final class ShardedData {

    final JavaRDD<Shard> shards;
    final int rows;

    private ShardedData(JavaRDD<Shard> shards, int rows) {
        this.shards = shards;
        this.rows = rows;
    }

    /** @param partitions 0 keeps the DataFrame's partitions */
    static ShardedData of(Dataset<Row> data, RowReader reader, int partitions) {
        JavaRDD<Row> rows = data.select(reader.selection()).toJavaRDD();
        JavaPairRDD<Long, Row> byPosition = rows.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()));
        if (partitions > 0 && partitions != rows.getNumPartitions()) {
            byPosition = byPosition.partitionBy(new IndexRanges(byPosition.count(), partitions));
        }
        JavaRDD<Shard> shards = byPosition.mapPartitionsWithIndex(
                (p, it) -> List.of(Shard.build(p, it, reader)).iterator(), true);
        return cached(shards);
    }

    private static ShardedData cached(JavaRDD<Shard> shards) {
        shards.persist(StorageLevel.MEMORY_AND_DISK());
        long rows = Errors.unwrapped(() -> shards.map(Shard::rows).reduce(Integer::sum));
        if (rows > Integer.MAX_VALUE) {
            throw new NablaException("the data has " + rows + " rows; nabla-spark indexes at most " + Integer.MAX_VALUE);
        }
        return new ShardedData(shards, (int) rows);
    }

    int partitions() {
        return shards.getNumPartitions();
    }

    /** The same rows with the inputs preprocessed; this one's cache is released. */
    ShardedData preprocessed(Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            return this;
        }
        ShardedData out = cached(shards.map(s -> s.preprocessed(metadata)));
        release();
        return out;
    }

    /** Statistics of the inputs after the {@code current} preprocessing, for fitting the next step. */
    InputStatistics statistics(Map<String, String> current, int fanIn) {
        return Errors.unwrapped(() -> Combine.inOrder(shards.map(s -> s.statistics(current)), fanIn,
                InputStatistics::merge));
    }

    /** Evaluates the broadcast weights on every row. */
    EvalPartial evaluate(Broadcast<CompiledJar.Shipment> model, Broadcast<float[]> weights, int batch, int threads,
                         int fanIn) {
        return Errors.unwrapped(() -> Combine.inOrder(shards.map(
                s -> Worker.of(model.value(), batch, threads).evaluate(s, weights.value())), fanIn, EvalPartial::merge));
    }

    void release() {
        shards.unpersist(false);
    }
}
