package dev.dbbackup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
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

    @Test
    void plusIsAPlusAsInLibpqNotASpace() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://ops+1:bG9uZy+wYXNz=@host/app+v2?application_name=a+b");
        assertEquals("ops+1", url.user());
        assertEquals("bG9uZy+wYXNz=", url.password());
        assertEquals("app+v2", url.database());
        assertEquals("a+b", url.parameters().get("application_name"));
        assertEquals(Path.of("./app+v2.db"), DatabaseUrl.parse("sqlite:///./app+v2.db").sqlitePath());
        assertEquals(Path.of("./app v2.db"), DatabaseUrl.parse("sqlite:///./app%20v2.db").sqlitePath());
    }

    @Test
    void portsOutsideOneTo65535AreRefused() {
        for (String port : new String[] {"0", "99999", "-1", "abc", "65536"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DatabaseUrl.parse("postgresql://u@host:" + port + "/db"), port);
            assertTrue(e.getMessage().contains("from 1 to 65535"), e.getMessage());
        }
        assertEquals(65535, DatabaseUrl.parse("postgresql://u@host:65535/db").port());
        assertEquals(1, DatabaseUrl.parse("postgresql://u@host:1/db").port());
    }

    @Test
    void ipv6HostsAndQueryParametersOverrideAsInLibpq() {
        DatabaseUrl v6 = DatabaseUrl.parse("postgresql://u@[::1]:6000/db");
        assertEquals("::1", v6.host());
        assertEquals(6000, v6.port());
        assertTrue(v6.toString().contains("[::1]:6000"), v6.toString());
        DatabaseUrl overridden = DatabaseUrl.parse("postgresql://u@h/d?host=other&port=7000&dbname=real&user=me&sslmode=require");
        assertEquals("other", overridden.host());
        assertEquals(7000, overridden.port());
        assertEquals("real", overridden.database());
        assertEquals("me", overridden.user());
        assertEquals(Map.of("sslmode", "require"), overridden.parameters());
        IllegalArgumentException socket = assertThrows(IllegalArgumentException.class,
                () -> DatabaseUrl.parse("postgresql://u@/db?host=/var/run/postgresql"));
        assertTrue(socket.getMessage().contains("Unix-domain socket folder /var/run/postgresql"), socket.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("postgresql://u@h1,h2/db"));
    }

    @Test
    void passwordsWithAtSignsOrSpacesNeverShowInMessagesOrPrintedForms() {
        IllegalArgumentException at = assertThrows(IllegalArgumentException.class,
                () -> DatabaseUrl.parse("postgresql://postgres:tPa55@rd@db.example/app"));
        assertFalse(at.getMessage().contains("tPa55") || at.getMessage().contains("rd@"), at.getMessage());
        assertTrue(at.getMessage().contains("%40"), at.getMessage());
        DatabaseUrl spaced = DatabaseUrl.parse("postgresql://postgres:my secret pw@db.example/app");
        assertEquals("my secret pw", spaced.password());
        assertEquals("postgresql://postgres:***@db.example/app", spaced.toString());
        assertEquals("cannot connect with postgresql://postgres:***@db.example/app (x)",
                DatabaseUrl.redact("cannot connect with postgresql://postgres:my secret pw@db.example/app (x)"));
        DatabaseUrl query = DatabaseUrl.parse("postgresql://u@h/d?password=Qu%26ery%20pw");
        assertEquals("Qu&ery pw", query.password());
        assertFalse(query.toString().contains("Qu"), query.toString());
        assertEquals("server said: password *** rejected", DatabaseUrl.redact("server said: password Qu&ery pw rejected"));
    }
}
