package dev.mmrag.store.elasticsearch;

import co.elastic.clients.transport.TransportUtils;
import dev.mmrag.api.InvalidInputException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * Builds the low-level REST client of an {@link ElasticsearchVectorStore} from its connection settings: hosts,
 * API key or basic authentication, TLS trusting a CA certificate, and timeouts. Secrets go into request headers or
 * the credentials provider only; they are never part of a message.
 *
 * <p>Thread-safety: stateless.
 */
final class Connections {

    /** The port of a host URL that names none: Elasticsearch's HTTP port. */
    static final int DEFAULT_PORT = 9200;

    private Connections() {
    }

    /**
     * Parses a host URL such as {@code https://es1.example.com:9200}.
     *
     * @param url the URL: scheme http or https, a host, an optional port (default {@value #DEFAULT_PORT}), nothing
     *     else (no user info, path or query)
     * @return the host
     * @throws InvalidInputException naming the URL and what is wrong with it
     */
    static HttpHost parseHost(String url) {
        if (url == null || url.isBlank()) {
            throw new InvalidInputException("Elasticsearch host URL is blank; expected such as http://localhost:9200");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new InvalidInputException("Elasticsearch host URL '" + url + "' is not a URL; expected such as "
                    + "http://localhost:9200", e);
        }
        if (uri.getRawUserInfo() != null) {
            // Say nothing of the URL itself: its user info may hold a password.
            throw new InvalidInputException("an Elasticsearch host URL contains user info; give credentials with "
                    + "basicAuth(...) or apiKey(...) instead, so that they never appear in URLs or logs");
        }
        String scheme = uri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new InvalidInputException("Elasticsearch host URL '" + url + "' has scheme '" + scheme
                    + "'; expected http or https");
        }
        if (uri.getHost() == null) {
            throw new InvalidInputException("Elasticsearch host URL '" + url + "' has no host name");
        }
        boolean hasPath = uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/");
        if (hasPath || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new InvalidInputException("Elasticsearch host URL '" + url + "' has a path, query or fragment;"
                    + " expected only scheme, host and port");
        }
        return new HttpHost(uri.getHost(), uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(), scheme);
    }

    /**
     * @param hosts the hosts, already parsed
     * @param apiKey the encoded API key, or null
     * @param username the basic-auth user, or null
     * @param password the basic-auth password, or null
     * @param caCertificate a PEM CA certificate to trust for https hosts, or null for the JDK's trust store
     * @param connectTimeout how long to wait for a connection
     * @param socketTimeout how long to wait for a response
     * @return the client; the caller closes it
     */
    static RestClient restClient(List<HttpHost> hosts, String apiKey, String username, String password,
            Path caCertificate, Duration connectTimeout, Duration socketTimeout) {
        SSLContext sslContext = caCertificate == null ? null : sslContext(caCertificate);
        RestClientBuilder builder = RestClient.builder(hosts.toArray(new HttpHost[0]));
        if (apiKey != null) {
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "ApiKey " + apiKey)});
        }
        builder.setRequestConfigCallback(config -> config
                .setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()))
                .setSocketTimeout(Math.toIntExact(socketTimeout.toMillis())));
        builder.setHttpClientConfigCallback(http -> {
            if (username != null) {
                BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(username, password));
                http.setDefaultCredentialsProvider(credentials);
            }
            if (sslContext != null) {
                http.setSSLContext(sslContext);
            }
            return http;
        });
        return builder.build();
    }

    private static SSLContext sslContext(Path caCertificate) {
        if (!Files.isRegularFile(caCertificate)) {
            throw new InvalidInputException("CA certificate file " + caCertificate + " does not exist;"
                    + " expected the PEM file of the CA that signed the cluster's HTTP certificate (http_ca.crt)");
        }
        try {
            return TransportUtils.sslContextFromHttpCaCrt(caCertificate.toFile());
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("CA certificate file " + caCertificate + " could not be read as a"
                    + " PEM X.509 certificate: " + e.getMessage(), e);
        }
    }
}
