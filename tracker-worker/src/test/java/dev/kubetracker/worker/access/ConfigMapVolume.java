package dev.kubetracker.worker.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Updates a directory exactly as the kubelet updates a ConfigMap volume: each version is written into
 * a new hidden timestamped directory, the {@code ..data} symlink is swapped to it by an atomic rename,
 * and the old version is removed. The key's file ({@code dir/key}) is a symlink to {@code ..data/key}.
 */
public final class ConfigMapVolume {
    private final Path dir;
    private final String key;
    private int version;

    public ConfigMapVolume(Path dir, String key) {
        this.dir = dir;
        this.key = key;
    }

    public Path file() {
        return dir.resolve(key);
    }

    public void publish(String content) throws IOException {
        Path data = dir.resolve("..data");
        Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
        Path next;
        do {
            next = dir.resolve("..2026_11_27_12_00_00." + (++version));
        } while (Files.exists(next));
        Files.createDirectories(next);
        Files.writeString(next.resolve(key), content);
        Path temp = dir.resolve("..data_tmp");
        Files.deleteIfExists(temp);
        Files.createSymbolicLink(temp, next.getFileName());
        Files.move(temp, data, StandardCopyOption.ATOMIC_MOVE);
        if (!Files.exists(file(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(file(), Path.of("..data").resolve(key));
        }
        if (old != null) {
            Files.delete(old.resolve(key));
            Files.delete(old);
        }
    }
}
