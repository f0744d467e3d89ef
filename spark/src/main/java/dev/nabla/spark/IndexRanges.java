package dev.nabla.spark;

import org.apache.spark.Partitioner;

/**
 * Sends the row at position {@code i} of {@code rows} to partition {@code i * partitions / rows}: each partition a
 * contiguous run of the data, as the rows were in the DataFrame. (Which rows a partition holds changes no result
 * beyond float summation order; contiguous runs keep a source's locality.)
 */
final class IndexRanges extends Partitioner {

    private final long rows;
    private final int partitions;

    IndexRanges(long rows, int partitions) {
        this.rows = rows;
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        return (int) Math.min(partitions - 1, (Long) key * partitions / Math.max(1, rows));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexRanges r && r.rows == rows && r.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(rows) * 31 + partitions;
    }
}
