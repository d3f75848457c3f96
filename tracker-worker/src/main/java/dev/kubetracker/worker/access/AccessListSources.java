package dev.kubetracker.worker.access;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The files that together make the access list: each configured path is a file, or a directory whose
 * files (and the files of its subdirectories, one level down) all belong to the list. Names starting
 * with a dot are skipped: a ConfigMap volume keeps its versions in hidden {@code ..2026_...}
 * directories behind a {@code ..data} symlink, and each key is a visible symlink into it.
 */
final class AccessListSources {
    private final List<Path> configured;

    AccessListSources(List<Path> configured) {
        if (configured.isEmpty()) {
            throw new IllegalArgumentException("no access-list file given");
        }
        this.configured = configured.stream().map(Path::toAbsolutePath).toList();
    }

    List<Path> configured() {
        return configured;
    }

    /** The list's files now, in a stable order; an IOException when a source is missing or holds no file. */
    List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path source : configured) {
            if (Files.isDirectory(source)) {
                int before = files.size();
                addFiles(source, 2, files);
                if (files.size() == before) {
                    throw new IOException("the access-list directory " + source + " holds no list file");
                }
            } else if (Files.isRegularFile(source)) {
                files.add(source);
            } else {
                throw new java.nio.file.NoSuchFileException(source.toString());
            }
        }
        return files;
    }

    private static void addFiles(Path directory, int depth, List<Path> files) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            stream.forEach(entries::add);
        }
        entries.sort(null);
        for (Path entry : entries) {
            if (entry.getFileName().toString().startsWith(".")) {
                continue;
            }
            if (Files.isRegularFile(entry)) {
                files.add(entry);
            } else if (depth > 1 && Files.isDirectory(entry)) {
                addFiles(entry, depth - 1, files);
            }
        }
    }

    /** Each file's real path (a ConfigMap swap changes it), size, time and identity: equal when nothing changed. */
    Object fingerprint() throws IOException {
        List<Object> fingerprint = new ArrayList<>();
        for (Path file : files()) {
            Path real = file.toRealPath();
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            fingerprint.add(List.of(file.toString(), real.toString(), a.size(), a.lastModifiedTime().toMillis(),
                    String.valueOf(a.fileKey())));
        }
        return fingerprint;
    }

    /** The directories whose change events may mean the list changed. */
    Set<Path> directoriesToWatch() {
        Set<Path> directories = new LinkedHashSet<>();
        for (Path source : configured) {
            directories.add(Files.isDirectory(source) ? source : source.getParent());
        }
        return directories;
    }

    /** Whether an event about {@code name} in {@code directory} is about a list file (not a sibling entry). */
    boolean namesListFile(Path directory, Path name) {
        Path changed = directory.resolve(name);
        for (Path source : configured) {
            if (source.equals(changed) || source.equals(directory) && !name.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return configured.size() == 1 ? configured.get(0).toString() : configured.toString();
    }
}
