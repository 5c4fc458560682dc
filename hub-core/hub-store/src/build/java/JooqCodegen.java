import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Target;

/**
 * Build-time code generator: applies the Flyway migrations to a throw-away embedded PostgreSQL
 * and lets jOOQ read the real schema back, so generated types match PostgreSQL exactly (jOOQ's
 * DDLDatabase would replay the scripts in H2 and misread PostgreSQL types).
 *
 * <p>Skips the work when the migrations have not changed since the last generation, so repeated
 * builds stay fast.
 *
 * <p>Arguments: migrations folder, target folder, target package.
 */
public class JooqCodegen {

    public static void main(String[] args) throws Exception {
        Path migrations = Path.of(args[0]);
        Path target = Path.of(args[1]);
        String targetPackage = args[2];
        Path stamp = target.resolve(".migrations.sha256");

        String digest = digestOf(migrations);
        if (Files.exists(stamp) && Files.readString(stamp).equals(digest)) {
            System.out.println("[jooq] schema unchanged, generated classes are current");
            return;
        }

        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            Flyway.configure()
                    .dataSource(pg.getPostgresDatabase())
                    .locations("filesystem:" + migrations.toAbsolutePath())
                    .load()
                    .migrate();

            Configuration configuration = new Configuration()
                    .withJdbc(new Jdbc().withDriver("org.postgresql.Driver").withUrl(url).withUser("postgres"))
                    .withGenerator(new Generator()
                            .withDatabase(new Database()
                                    .withName("org.jooq.meta.postgres.PostgresDatabase")
                                    .withInputSchema("public")
                                    .withExcludes("flyway_schema_history"))
                            .withGenerate(new Generate()
                                    .withRecords(true)
                                    .withPojos(false)
                                    .withJavaTimeTypes(true)
                                    .withGeneratedAnnotation(false))
                            .withTarget(new Target()
                                    .withPackageName(targetPackage)
                                    .withDirectory(target.toAbsolutePath().toString())));
            GenerationTool.generate(configuration);
        }
        Files.createDirectories(target);
        Files.writeString(stamp, digest);
        System.out.println("[jooq] generated classes from " + migrations);
    }

    private static String digestOf(Path migrations) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        List<Path> scripts;
        try (Stream<Path> files = Files.list(migrations)) {
            scripts = files.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        for (Path script : scripts) {
            sha.update(script.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(script));
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
