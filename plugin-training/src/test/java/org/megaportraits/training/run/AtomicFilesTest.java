package org.megaportraits.training.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AtomicFilesTest {

    @Test
    void aBareFileNameIsWrittenInTheWorkingDirectory() throws Exception {
        // a report named without a folder (eval --report r.json) has no parent path
        Path bare = Path.of("atomic-files-test-" + ProcessHandle.current().pid() + ".json");
        try {
            AtomicFiles.writeString(bare, "{}");
            assertEquals("{}", Files.readString(bare));
            assertFalse(Files.exists(Path.of(bare + ".partial")));
        } finally {
            Files.deleteIfExists(bare);
        }
    }
}
