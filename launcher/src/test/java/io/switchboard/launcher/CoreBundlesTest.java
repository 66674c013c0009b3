package io.switchboard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every Switchboard bundle carried in launcher.jar is both a JPMS module and an OSGi bundle that say
 * the same thing: symbolic name = module name, exported packages = module exports, each export
 * versioned, and no implementation package exported.
 */
class CoreBundlesTest {

    static final java.util.List<String> BUNDLES = Launcher.SWITCHBOARD_BUNDLES;

    private static Path jar(String name) {
        return Path.of("target", "classes", "bundles", name);
    }

    @ParameterizedTest
    @FieldSource("BUNDLES")
    void manifestAndModuleDescriptorAgree(String name) throws IOException {
        ModuleDescriptor module = ModuleFinder.of(jar(name)).findAll().iterator().next().descriptor();
        assertTrue(!module.isAutomatic(), name + " has a module-info");
        Attributes manifest;
        try (JarFile file = new JarFile(jar(name).toFile())) {
            manifest = file.getManifest().getMainAttributes();
        }
        assertEquals(module.name(), manifest.getValue("Bundle-SymbolicName"), name);
        assertEquals("2", manifest.getValue("Bundle-ManifestVersion"));

        Set<String> moduleExports = module.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> bundleExports = new TreeSet<>();
        String header = manifest.getValue("Export-Package");
        if (header != null) {
            for (String clause : clauses(header)) {
                String pkg = clause.split(";")[0].strip();
                bundleExports.add(pkg);
                assertTrue(clause.contains("version="), "export " + pkg + " of " + name + " is versioned");
            }
        }
        assertEquals(moduleExports, bundleExports, name + ": module exports vs Export-Package");
        for (String pkg : bundleExports) {
            assertTrue(!pkg.contains(".internal") && !pkg.contains(".osgi"), name + " exports " + pkg);
        }
    }

    /** Splits an OSGi header at the commas that separate clauses (not those inside quotes). */
    static java.util.List<String> clauses(String header) {
        java.util.List<String> result = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                result.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        result.add(current.toString());
        return result;
    }

    @ParameterizedTest
    @FieldSource("BUNDLES")
    void bundlesRequireJava21(String name) throws IOException {
        try (JarFile file = new JarFile(jar(name).toFile())) {
            String ee = file.getManifest().getMainAttributes().getValue("Require-Capability");
            assertNotNull(ee, name);
            assertTrue(ee.contains("(version=21)"), name + ": " + ee);
        }
    }
}
