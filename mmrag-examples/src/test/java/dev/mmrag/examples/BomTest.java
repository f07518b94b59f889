package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Keeps {@code mmrag-bom} in step with the reactor: every library module (each module of the root pom except the
 * bom itself and the examples, which are not a library) is listed in the bom, with the reactor's version, and
 * nothing else is.
 */
class BomTest {

    private static final Path ROOT = Path.of(System.getProperty("mmrag.root", ".."));

    @Test
    void theBomListsEveryLibraryModuleAtTheReactorsVersion() throws Exception {
        Document root = parse(ROOT.resolve("pom.xml"));
        Set<String> libraries = new LinkedHashSet<>();
        NodeList modules = root.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            String module = modules.item(i).getTextContent().trim();
            if (!module.equals("mmrag-bom") && !module.equals("mmrag-examples")) {
                libraries.add(module);
            }
        }

        Document bom = parse(ROOT.resolve("mmrag-bom/pom.xml"));
        Set<String> listed = new LinkedHashSet<>();
        NodeList dependencies = bom.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            assertThat(text(dependency, "groupId")).isEqualTo("dev.mmrag");
            assertThat(text(dependency, "version")).isEqualTo("${project.version}");
            listed.add(text(dependency, "artifactId"));
        }

        assertThat(listed).containsExactlyInAnyOrderElementsOf(libraries);
        assertThat(text(bom.getDocumentElement(), "version")).isEqualTo(text(root.getDocumentElement(), "version"));
    }

    @Test
    void everyLibraryModuleNamesItsAutomaticModuleNameAfterItsRootPackage() throws Exception {
        Pattern name = Pattern.compile("<mmrag\\.module\\.name>([^<]+)</mmrag\\.module\\.name>");
        NodeList modules = parse(ROOT.resolve("pom.xml")).getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            String module = modules.item(i).getTextContent().trim();
            if (module.equals("mmrag-bom")) {
                continue;
            }
            Matcher matcher = name.matcher(Files.readString(ROOT.resolve(module).resolve("pom.xml")));
            assertThat(matcher.find()).as("%s/pom.xml sets mmrag.module.name", module).isTrue();
            Path packageFolder = ROOT.resolve(module).resolve("src/main/java")
                    .resolve(matcher.group(1).replace('.', '/'));
            assertThat(packageFolder).as("%s's module name %s is a package of its own", module, matcher.group(1))
                    .isDirectory();
        }
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    /** The text of the element's direct child with that tag (not a descendant's, such as a parent's version). */
    private static String text(Element element, String tag) {
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element && ((Element) children.item(i)).getTagName().equals(tag)) {
                return children.item(i).getTextContent().trim();
            }
        }
        throw new AssertionError(element.getTagName() + " has no <" + tag + ">");
    }
}
