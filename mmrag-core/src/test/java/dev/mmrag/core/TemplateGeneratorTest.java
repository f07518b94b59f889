package dev.mmrag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.Answer;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateGeneratorTest {

    private static final Retrieved HAT = new Retrieved("sku-1", 0.91234, Map.of("name", "Red Hat", "brand", "Acme",
            "price", 19.9, "currency", "EUR", "url", "https://shop.example/p/sku-1"));
    private static final Retrieved BARE = new Retrieved("sku-2", 0.5, Map.of());

    private static Prompt prompt(Query query, List<Retrieved> sources) {
        return DefaultAugmenter.create().augment(query, sources);
    }

    @Test
    void listsEachItemWithNamePriceLinkAndScore() {
        Answer answer = TemplateGenerator.create().generate(prompt(Query.ofText("red hat"), List.of(HAT)));
        assertThat(answer.text()).isEqualTo("Best matches for \"red hat\":\n"
                + "[1] Red Hat by Acme - 19.90 EUR - https://shop.example/p/sku-1 (score 0.912)");
        assertThat(answer.sources()).containsExactly(HAT);
        assertThat(answer.generator()).isEqualTo("template");
        assertThat(answer.fallback()).isFalse();
    }

    @Test
    void optionalSectionsDisappearWhenTheirFieldsAreMissing() {
        Answer answer = TemplateGenerator.create().generate(prompt(Query.ofText("hat"), List.of(HAT, BARE)));
        assertThat(answer.text().lines()).last().isEqualTo("[2] sku-2 (score 0.500)");
    }

    @Test
    void describesImageAndMixedQueries() {
        ImageContent photo = ImageContent.of(new byte[] {1}, "image/jpeg");
        assertThat(TemplateGenerator.create().generate(prompt(Query.ofImage(photo), List.of(HAT))).text())
                .startsWith("Best matches for your photo:");
        Query mixed = Query.builder().text("in blue").image(photo).build();
        assertThat(TemplateGenerator.create().generate(prompt(mixed, List.of())).text())
                .isEqualTo("Sorry, nothing matches \"in blue\" and your photo.");
    }

    @Test
    void isDeterministicAndConfigurable() {
        TemplateGenerator generator = TemplateGenerator.of("{count} for {question}", "{rank}:{id}:{name}{? ({color})?}",
                "none");
        Prompt prompt = prompt(Query.ofText("x"), List.of(HAT, BARE));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            texts.add(generator.generate(prompt).text());
        }
        assertThat(texts).containsOnly("2 for \"x\"\n1:sku-1:Red Hat\n2:sku-2:");
    }

    @Test
    void malformedTemplatesFailAtConstruction() {
        assertThatThrownBy(() -> TemplateGenerator.of("{count", "{id}", "none")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unclosed '{'");
        assertThatThrownBy(() -> TemplateGenerator.of("h", "{? {id}", "none")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unclosed optional section");
    }

    @Test
    void aSectionIsCheckedPastItsFirstPlaceholderThatHasNoValue() {
        // At construction no placeholder has a value; "{name " must still be found unclosed.
        assertThatThrownBy(() -> TemplateGenerator.of("Matches:", "[{rank}] {? #{id} {name ?}", "none"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("item template has an unclosed '{' at 18")
                .hasMessageContaining("[{rank}] {? #{id} {name ?}");
        assertThatThrownBy(() -> TemplateGenerator.of("h", "{id}{? {brand} {? {price ?}?}", "none"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("item template has an unclosed '{' at 18");
        assertThatThrownBy(() -> TemplateGenerator.of("h", "{id}", "{? {question}: {count items?}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("empty template has an unclosed '{' at 15");
    }

    @Test
    void nestedSectionsRenderOnlyWhenTheirOwnPlaceholdersHaveValues() {
        TemplateGenerator generator = TemplateGenerator.of("h", "{id}{? by {brand}{? ({color|colour})?}?}!", "none");
        Retrieved coloured = new Retrieved("sku-3", 0.5, Map.of("brand", "Acme", "colour", "red"));
        Retrieved brandOnly = new Retrieved("sku-4", 0.5, Map.of("brand", "Acme"));
        Retrieved colourOnly = new Retrieved("sku-5", 0.5, Map.of("color", "red"));
        assertThat(generator.generate(prompt(Query.ofText("x"), List.of(coloured, brandOnly, colourOnly))).text())
                .isEqualTo("h\nsku-3 by Acme (red)!\nsku-4 by Acme!\nsku-5!");
    }
}
