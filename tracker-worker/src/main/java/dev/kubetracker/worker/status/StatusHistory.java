package dev.kubetracker.worker.status;

import dev.kubetracker.worker.status.StatusReadings.Column;

/**
 * The last {@code capacity} rows of {@link StatusReadings}, oldest overwritten first: a fixed block of
 * longs allocated once, so the history costs the same after a minute as after a year. One thread
 * records (every couple of seconds), request threads write it out; both under this object's lock.
 */
public final class StatusHistory {
    private final long[] rows;
    private final int capacity;
    private final long intervalMillis;
    private int next;
    private int size;

    public StatusHistory(int capacity, long intervalMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a status history holds at least one sample: " + capacity);
        }
        this.capacity = capacity;
        this.intervalMillis = intervalMillis;
        this.rows = new long[capacity * StatusReadings.COLUMNS];
    }

    public long intervalMillis() {
        return intervalMillis;
    }

    public synchronized void record(StatusReadings readings, long[] scratch) {
        readings.read(scratch);
        System.arraycopy(scratch, 0, rows, next * StatusReadings.COLUMNS, StatusReadings.COLUMNS);
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    public synchronized int size() {
        return size;
    }

    /**
     * Appends the JSON the status page polls: {@code now} (the numbers as of this call) and
     * {@code history} (one array per column, oldest first).
     */
    public void writeJson(long[] now, StringBuilder out) {
        out.append("{\"interval_millis\":").append(intervalMillis).append(",\"now\":{");
        for (Column c : Column.values()) {
            if (c.ordinal() > 0) {
                out.append(',');
            }
            out.append('"').append(c.key).append("\":").append(now[c.ordinal()]);
        }
        out.append("},\"history\":{");
        synchronized (this) {
            int oldest = size < capacity ? 0 : next;
            for (Column c : Column.values()) {
                if (c.ordinal() > 0) {
                    out.append(',');
                }
                out.append('"').append(c.key).append("\":[");
                for (int i = 0; i < size; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    out.append(rows[((oldest + i) % capacity) * StatusReadings.COLUMNS + c.ordinal()]);
                }
                out.append(']');
            }
        }
        out.append("}}");
    }
}
