package dev.gpuconfig.engine;

import org.drools.base.util.Drools;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guards two start-up savings that a dependency change could undo silently (docs/performance.md,
 * round 3): Drools' XML support pulls in XStream, whose first use cost about 0.6 s of the first
 * build, and the rules must build without it, the module model being handed over as an object.
 */
class StartupCostTest {

    @Test
    void rulesBuildWithoutDroolsXmlSupportOrXStream() {
        assertFalse(Drools.hasXmlSupport(), "drools-xml-support is back on the class path");
        assertThrows(ClassNotFoundException.class, () -> Class.forName("com.thoughtworks.xstream.XStream"));
        RuleSetBuilder.Result r = new RuleSetBuilder(1).build(RuleFolder.read(RulesCopy.create()));
        assertTrue(r.ok(), () -> r.problems().toString());
        r.discard();
    }
}
