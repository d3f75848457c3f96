package dev.kubetracker.worker.swarm;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * What objects and arrays take on this JVM's heap, so the store can account its bytes by arithmetic
 * instead of measurement: a 12-byte header with compressed class pointers (16 without), 4-byte
 * references with compressed oops (8 without), every object padded to the object alignment (8).
 * HotSpot is asked once; another VM gets the uncompressed figures, which over-count.
 */
public final class HeapLayout {
    public static final boolean COMPRESSED_OOPS = vmFlag("UseCompressedOops", false);
    public static final boolean COMPRESSED_CLASS_POINTERS = vmFlag("UseCompressedClassPointers", false);
    public static final int ALIGNMENT = Integer.parseInt(vmOption("ObjectAlignmentInBytes", "8"));
    public static final int OBJECT_HEADER = COMPRESSED_CLASS_POINTERS ? 12 : 16;
    /** Header and length, up to where a {@code long[]}'s elements start (an {@code int[]} may start 4 earlier). */
    public static final int ARRAY_HEADER = COMPRESSED_CLASS_POINTERS ? 16 : 24;
    public static final int REFERENCE = COMPRESSED_OOPS ? 4 : 8;

    private HeapLayout() {
    }

    /** An object with these fields (primitive bytes, reference count), header and padding included. */
    public static int objectBytes(int primitiveBytes, int references) {
        return align(OBJECT_HEADER + primitiveBytes + references * REFERENCE);
    }

    public static long longArrayBytes(int length) {
        return align(ARRAY_HEADER + 8L * length);
    }

    public static long intArrayBytes(int length) {
        return align(ARRAY_HEADER + 4L * length);
    }

    public static long referenceArrayBytes(int length) {
        return align(ARRAY_HEADER + (long) REFERENCE * length);
    }

    /** A {@code long[]}'s bytes; a null array takes none. */
    public static long bytesOf(long[] array) {
        return array == null ? 0 : longArrayBytes(array.length);
    }

    private static int align(int bytes) {
        return (int) align((long) bytes);
    }

    private static long align(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static boolean vmFlag(String name, boolean otherwise) {
        return Boolean.parseBoolean(vmOption(name, Boolean.toString(otherwise)));
    }

    private static String vmOption(String name, String otherwise) {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return otherwise;
        }
    }
}
