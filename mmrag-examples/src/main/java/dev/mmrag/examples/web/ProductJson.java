package dev.mmrag.examples.web;

import dev.mmrag.api.Retrieved;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON of one product found by a search, as the API returns it and the page shows it:
 * {@code {"rank", "id", "name", "brand", "price", "currency", "url", "score", "image", "description"}}. A field is
 * left out when the product has no usable value for it; {@code url} only when the catalogue gives an absolute
 * {@code http} or {@code https} link (a {@code javascript:} link in a hostile catalogue is dropped), {@code image}
 * only when the product has a photo this server can serve. A video hit gets a {@code "moments"} list added by the
 * server (see {@link VideoFiles}).
 *
 * <p>Thread-safety: stateless.
 */
final class ProductJson {

    private ProductJson() {
    }

    /**
     * @param retrieved a product found
     * @param rank its place in the results, from 1
     * @param hasImage whether {@code /api/products/{id}/image} serves its photo
     * @return its JSON object, in a stable field order
     */
    static Map<String, Object> of(Retrieved retrieved, int rank, boolean hasImage) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rank", rank);
        json.put("id", retrieved.id());
        json.put("name", retrieved.text("name").orElse(retrieved.id()));
        retrieved.text("brand").ifPresent(brand -> json.put("brand", brand));
        Object price = retrieved.metadata().get("price");
        if (price instanceof Number && Double.isFinite(((Number) price).doubleValue())) {
            json.put("price", price);
            retrieved.text("currency").ifPresent(currency -> json.put("currency", currency));
        }
        retrieved.text("url").filter(ProductJson::isWebLink).ifPresent(url -> json.put("url", url));
        json.put("score", Math.round(retrieved.score() * 10_000) / 10_000.0);
        if (hasImage) {
            json.put("image", imagePath(retrieved.id()));
        }
        retrieved.text("description").ifPresent(description -> json.put("description", description));
        return json;
    }

    /**
     * @param id a product id
     * @return the server path of its photo
     */
    static String imagePath(String id) {
        return "/api/products/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "/image";
    }

    /**
     * @param url a link from the catalogue
     * @return whether it is an absolute http or https URL with a host
     */
    static boolean isWebLink(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
