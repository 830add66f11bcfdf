package dev.dbbackup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void sqliteUrlsKeepTheSeedsRelativeAndAbsoluteForms() {
        assertEquals(Path.of("./app.db"), DatabaseUrl.parse("sqlite:///./app.db").sqlitePath());
        assertEquals(Path.of("/var/lib/app.db"), DatabaseUrl.parse("sqlite:////var/lib/app.db").sqlitePath());
        assertEquals("app.db", DatabaseUrl.parse("sqlite:///./app.db").database());
    }

    @Test
    void postgresUrlsParseEveryPart() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://user:p%40ss@db.example:6543/piyasa?sslmode=require");
        assertEquals(DatabaseUrl.Kind.POSTGRESQL, url.kind());
        assertEquals("db.example", url.host());
        assertEquals(6543, url.port());
        assertEquals("piyasa", url.database());
        assertEquals("user", url.user());
        assertEquals("p@ss", url.password());
        assertEquals("require", url.parameters().get("sslmode"));
        assertEquals(5432, DatabaseUrl.parse("postgres://u@h/d").port());
    }

    @Test
    void printedFormsNeverShowThePassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://user:s3cret-pw@host:5432/db?password=s3cret-pw");
        assertFalse(url.toString().contains("s3cret-pw"), url.toString());
        assertFalse(url.redacted().contains("s3cret-pw"));
        assertTrue(url.toString().contains("user:***@host"), url.toString());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> DatabaseUrl.parse("mysql://user:s3cret-pw@host/db"));
        assertFalse(bad.getMessage().contains("s3cret-pw"), bad.getMessage());
        assertEquals("postgresql://user:***@host/db", DatabaseUrl.redact("postgresql://user:s3cret-pw@host/db"));
    }

    @Test
    void malformedUrlsAreRefusedWithAnExample() {
        for (String bad : new String[] {"", "sqlite:app.db", "sqlite:///", "postgresql://host", "postgresql:///db", "ftp://x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse(bad), bad);
            assertTrue(e.getMessage().contains("sqlite:///") || e.getMessage().contains("postgresql://"), e.getMessage());
        }
    }

    @Test
    void aPasswordFromASecretIsUsedButNeverPrinted() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://user@host:5432/db").withPassword("from-file");
        assertEquals("from-file", url.password());
        assertFalse(url.toString().contains("from-file"));
    }
}
