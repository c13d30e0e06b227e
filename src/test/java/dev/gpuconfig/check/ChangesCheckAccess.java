package dev.gpuconfig.check;

import java.io.PrintStream;

/** Lets tests of other packages run {@code bin/check-rules NEW --against OLD} in-process. */
public final class ChangesCheckAccess {
    private ChangesCheckAccess() {
    }

    public static int run(String newDir, String oldDir, PrintStream out) {
        return ChangesCheck.run(newDir, oldDir, out);
    }
}
