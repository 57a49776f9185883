import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.constant.ClassDesc;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Build step of the shaded jar (run with {@code java UpgradeClassFiles.java JAR PACKAGE...}):
 * rewrites the classes of the given packages that are older than Java 6 (picocli is compiled for
 * Java 5) as Java 8 class files with stack maps, so the JDK AOT cache can hold them. The JVM leaves
 * every class older than Java 6 out of an AOT cache once it is linked (it needs the old verifier),
 * and picocli is about 170 of the classes a command loads at start-up. The bytecode is unchanged
 * apart from the version and the generated stack maps; other entries of the jar are copied
 * untouched.
 */
public final class UpgradeClassFiles {
  private static final int JAVA_6 = 50;

  public static void main(String[] args) throws IOException {
    Path jar = Path.of(args[0]);
    List<String> packages =
        List.of(args).subList(1, args.length).stream().map(p -> p.replace('.', '/') + "/").toList();
    int upgraded = 0;
    try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
      ClassHierarchyResolver resolver =
          ClassHierarchyResolver.defaultResolver()
              .orElse(ClassHierarchyResolver.ofResourceParsing(desc -> open(zip, desc)));
      ClassFile cf =
          ClassFile.of(
              ClassFile.ClassHierarchyResolverOption.of(resolver),
              ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
      List<Path> classes;
      try (Stream<Path> all = Files.walk(zip.getPath("/"))) {
        classes =
            all.filter(p -> p.toString().endsWith(".class"))
                .filter(p -> packages.stream().anyMatch(pkg -> p.toString().startsWith("/" + pkg)))
                .toList();
      }
      for (Path p : classes) {
        byte[] bytes = Files.readAllBytes(p);
        int major = ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff);
        if (major >= JAVA_6) {
          continue;
        }
        ClassTransform version =
            (b, e) ->
                b.with(
                    e instanceof ClassFileVersion
                        ? ClassFileVersion.of(ClassFile.JAVA_8_VERSION, 0)
                        : e);
        byte[] out =
            cf.transformClass(
                cf.parse(bytes),
                version.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)));
        Files.write(p, out);
        upgraded++;
      }
    }
    System.out.println(
        "UpgradeClassFiles: "
            + upgraded
            + " class files of "
            + packages
            + " in "
            + jar
            + " now Java 8 class files");
  }

  private static InputStream open(FileSystem zip, ClassDesc desc) {
    String internal = desc.descriptorString().substring(1, desc.descriptorString().length() - 1);
    Path p = zip.getPath("/" + internal + ".class");
    try {
      return Files.exists(p) ? Files.newInputStream(p) : null;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
