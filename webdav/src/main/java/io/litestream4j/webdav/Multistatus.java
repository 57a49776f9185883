package io.litestream4j.webdav;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The entries of a {@code PROPFIND} answer (RFC 4918 {@code multistatus}): for each resource its
 * name, whether it is a collection, its length, the server's modification time and our timestamp
 * property when the server keeps dead properties.
 *
 * <p>Parsing is namespace-aware and refuses DTDs and external entities, since the document comes
 * from the network.
 */
record Multistatus(List<Entry> entries) {

  /** The namespace of the property holding an LTX file's header timestamp. */
  static final String NAMESPACE = "urn:litestream4j";

  static final String TIMESTAMP_PROPERTY = "ltx-timestamp";

  private static final String DAV = "DAV:";

  /**
   * One resource.
   *
   * @param href the decoded path of the resource as the server wrote it
   * @param name its last path segment
   */
  record Entry(
      String href,
      String name,
      boolean collection,
      OptionalLong length,
      Optional<Instant> lastModified,
      Optional<Instant> timestamp) {}

  static Multistatus parse(byte[] xml) throws IOException {
    var entries = new ArrayList<Entry>();
    Element root;
    try {
      root = builder().parse(new ByteArrayInputStream(xml)).getDocumentElement();
    } catch (SAXException e) {
      throw new IOException("the server's PROPFIND answer is not valid XML: " + e.getMessage(), e);
    }
    NodeList responses = root.getElementsByTagNameNS(DAV, "response");
    for (int i = 0; i < responses.getLength(); i++) {
      Element response = (Element) responses.item(i);
      String href = text(response, DAV, "href").map(Multistatus::decodeHref).orElse("");
      boolean collection = false;
      OptionalLong length = OptionalLong.empty();
      Optional<Instant> modified = Optional.empty();
      Optional<Instant> timestamp = Optional.empty();
      NodeList propstats = response.getElementsByTagNameNS(DAV, "propstat");
      for (int j = 0; j < propstats.getLength(); j++) {
        Element propstat = (Element) propstats.item(j);
        if (!text(propstat, DAV, "status").map(s -> s.contains(" 200")).orElse(false)) {
          continue;
        }
        Element resourceType = first(propstat, DAV, "resourcetype");
        if (resourceType != null && first(resourceType, DAV, "collection") != null) {
          collection = true;
        }
        Optional<String> len = text(propstat, DAV, "getcontentlength");
        if (len.isPresent()) {
          try {
            length = OptionalLong.of(Long.parseLong(len.get().strip()));
          } catch (NumberFormatException e) {
            // left unknown
          }
        }
        modified =
            modified.or(
                () -> text(propstat, DAV, "getlastmodified").flatMap(Multistatus::parseHttpDate));
        timestamp =
            timestamp.or(
                () ->
                    text(propstat, NAMESPACE, TIMESTAMP_PROPERTY)
                        .flatMap(Multistatus::parseInstant));
      }
      String trimmed = href.endsWith("/") ? href.substring(0, href.length() - 1) : href;
      String name = trimmed.substring(trimmed.lastIndexOf('/') + 1);
      entries.add(
          new Entry(href, name, collection || href.endsWith("/"), length, modified, timestamp));
    }
    return new Multistatus(List.copyOf(entries));
  }

  private static DocumentBuilder builder() throws IOException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setExpandEntityReferences(false);
      return f.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IOException("cannot set up an XML parser: " + e.getMessage(), e);
    }
  }

  private static Element first(Element parent, String ns, String local) {
    NodeList nodes = parent.getElementsByTagNameNS(ns, local);
    return nodes.getLength() == 0 ? null : (Element) nodes.item(0);
  }

  private static Optional<String> text(Element parent, String ns, String local) {
    Element e = first(parent, ns, local);
    if (e == null) {
      return Optional.empty();
    }
    var sb = new StringBuilder();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
        sb.append(n.getNodeValue());
      }
    }
    String s = sb.toString().strip();
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  /** Hrefs may be absolute URLs or paths, percent-encoded. */
  private static String decodeHref(String href) {
    String path = href;
    if (href.startsWith("http://") || href.startsWith("https://")) {
      path = Optional.ofNullable(URI.create(href.replace(" ", "%20")).getRawPath()).orElse("/");
    }
    try {
      return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return path;
    }
  }

  private static Optional<Instant> parseHttpDate(String s) {
    try {
      return Optional.of(ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Optional<Instant> parseInstant(String s) {
    try {
      return Optional.of(Instant.parse(s));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
