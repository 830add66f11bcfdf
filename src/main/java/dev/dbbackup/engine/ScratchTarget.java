package dev.dbbackup.engine;

/** A throwaway restore target for a test-restore; {@link #close()} removes it (file or database). */
public interface ScratchTarget extends AutoCloseable {

    DatabaseUrl url();

    @Override
    void close();
}
