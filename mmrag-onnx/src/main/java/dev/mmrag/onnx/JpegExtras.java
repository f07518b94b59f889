package dev.mmrag.onnx;

import java.awt.image.Raster;
import java.nio.charset.StandardCharsets;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.Node;

/**
 * What a JPEG's header says beyond its size, read from the JDK reader's metadata: how many colour components it has
 * and whether they are YCCK (Adobe APP14 transform 2), for the CMYK conversion, and its EXIF orientation (tag 0x0112
 * of the APP1 "Exif" segment's first IFD; 1, "as stored", when it has none or the tag is malformed).
 *
 * <p>Four-component JPEGs are turned into RGB exactly as Pillow 9.4 does (its {@code JpegImagePlugin} and
 * {@code Convert.c}): libjpeg decodes them to CMYK (converting YCCK to CMYK with its own fixed-point tables, which
 * {@link #ycckToCmyk} reproduces; the JDK's raster reader does no colour conversion), Pillow takes the samples as
 * Adobe-inverted ({@code CMYK;I}: each is {@code 255 - v}), and {@code convert("RGB")} computes
 * {@code R = clip(nk - MULDIV255(C, nk))} with {@code nk = 255 - K} (and G, B alike), where
 * {@code MULDIV255(a, b) = ((a * b + 128) >> 8) + (a * b + 128) >> 8}. No colour profile is applied, as in Pillow.
 *
 * <p>Thread-safety: stateless.
 */
final class JpegExtras {

    private static final String FORMAT = "javax_imageio_jpeg_image_1.0";
    private static final int APP1 = 0xE1;
    private static final int ORIENTATION_TAG = 0x0112;
    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        // libjpeg's build_ycc_rgb_table (jdcolor.c), shared by libjpeg-turbo
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private final int components;
    private final int adobeTransform;
    private final int orientation;

    private JpegExtras(int components, int adobeTransform, int orientation) {
        this.components = components;
        this.adobeTransform = adobeTransform;
        this.orientation = orientation;
    }

    /**
     * @param metadata the JDK JPEG reader's image metadata, or null
     * @return what it says
     */
    static JpegExtras of(IIOMetadata metadata) {
        if (metadata == null || !java.util.Arrays.asList(metadata.getMetadataFormatNames()).contains(FORMAT)) {
            return new JpegExtras(3, -1, 1);
        }
        Node tree = metadata.getAsTree(FORMAT);
        int components = 3;
        int transform = -1;
        int orientation = 1;
        for (Node section = tree.getFirstChild(); section != null; section = section.getNextSibling()) {
            if (!section.getNodeName().equals("markerSequence")) {
                continue;
            }
            for (Node marker = section.getFirstChild(); marker != null; marker = marker.getNextSibling()) {
                switch (marker.getNodeName()) {
                    case "sof":
                        components = attribute(marker, "numFrameComponents", components);
                        break;
                    case "app14Adobe":
                        transform = attribute(marker, "transform", transform);
                        break;
                    case "unknown":
                        if (attribute(marker, "MarkerTag", -1) == APP1 && orientation == 1
                                && marker instanceof javax.imageio.metadata.IIOMetadataNode) {
                            Object data = ((javax.imageio.metadata.IIOMetadataNode) marker).getUserObject();
                            if (data instanceof byte[]) {
                                orientation = exifOrientation((byte[]) data);
                            }
                        }
                        break;
                    default:
                        break;
                }
            }
        }
        return new JpegExtras(components, transform, orientation);
    }

    /** @return the number of colour components of the frame (1, 3 or 4) */
    int components() {
        return components;
    }

    /** @return whether the four components are YCCK (Adobe transform 2) rather than CMYK */
    boolean ycck() {
        return adobeTransform == 2;
    }

    /** @return the EXIF orientation, 1 to 8; 1 when absent or malformed */
    int orientation() {
        return orientation;
    }

    /**
     * @param raster the four decoded components, as the file stores them (YCCK or Adobe-inverted CMYK)
     * @return their RGB, as Pillow 9.4 converts them
     */
    RgbImage toRgb(Raster raster) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        byte[] rgb = new byte[3 * width * height];
        int[] row = new int[4 * width];
        int[] cmyk = new int[4];
        int i = 0;
        for (int y = 0; y < height; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            for (int x = 0; x < width; x++) {
                int p = 4 * x;
                if (ycck()) {
                    ycckToCmyk(row[p], row[p + 1], row[p + 2], row[p + 3], cmyk);
                } else {
                    System.arraycopy(row, p, cmyk, 0, 4);
                }
                int nk = cmyk[3];                        // 255 - K, K = 255 - stored k
                for (int c = 0; c < 3; c++) {
                    int ink = 255 - cmyk[c];             // C = 255 - stored c (Pillow's CMYK;I)
                    int product = ink * nk + 128;
                    rgb[i++] = (byte) clip(nk - (((product >> 8) + product) >> 8));
                }
            }
        }
        return RgbImage.packed(rgb, width, height);
    }

    /** libjpeg's ycck_cmyk_convert: Y, Cb, Cr to R, G, B, stored as 255 - R, 255 - G, 255 - B; K unchanged. */
    static void ycckToCmyk(int luma, int cb, int cr, int k, int[] out) {
        out[0] = clip(255 - (luma + CR_R[cr]));
        out[1] = clip(255 - (luma + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS)));
        out[2] = clip(255 - (luma + CB_B[cb]));
        out[3] = k;
    }

    /**
     * @param app1 the body of an APP1 segment
     * @return the orientation of its EXIF data's first IFD, or 1 when it is not EXIF or has no valid orientation
     */
    static int exifOrientation(byte[] app1) {
        byte[] signature = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        if (app1.length < signature.length + 8) {
            return 1;
        }
        for (int i = 0; i < signature.length; i++) {
            if (app1[i] != signature[i]) {
                return 1;
            }
        }
        int tiff = signature.length;
        boolean little;
        if (app1[tiff] == 'I' && app1[tiff + 1] == 'I') {
            little = true;
        } else if (app1[tiff] == 'M' && app1[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        if (unsigned16(app1, tiff + 2, little) != 42) {
            return 1;
        }
        long ifd = tiff + unsigned32(app1, tiff + 4, little);
        if (ifd + 2 > app1.length) {
            return 1;
        }
        int entries = unsigned16(app1, (int) ifd, little);
        for (int e = 0; e < entries; e++) {
            long entry = ifd + 2 + 12L * e;
            if (entry + 12 > app1.length) {
                return 1;
            }
            int at = (int) entry;
            if (unsigned16(app1, at, little) == ORIENTATION_TAG) {
                int type = unsigned16(app1, at + 2, little);
                long count = unsigned32(app1, at + 4, little);
                if (type != 3 && type != 4 || count != 1) {
                    return 1;
                }
                long value = type == 3 ? unsigned16(app1, at + 8, little) : unsigned32(app1, at + 8, little);
                return value >= 1 && value <= 8 ? (int) value : 1;
            }
        }
        return 1;
    }

    private static int unsigned16(byte[] b, int at, boolean little) {
        int first = b[at] & 0xFF;
        int second = b[at + 1] & 0xFF;
        return little ? first | second << 8 : first << 8 | second;
    }

    private static long unsigned32(byte[] b, int at, boolean little) {
        long value = 0;
        for (int i = 0; i < 4; i++) {
            int shift = little ? 8 * i : 8 * (3 - i);
            value |= (long) (b[at + i] & 0xFF) << shift;
        }
        return value;
    }

    private static int attribute(Node node, String name, int otherwise) {
        Node attribute = node.getAttributes() == null ? null : node.getAttributes().getNamedItem(name);
        if (attribute == null) {
            return otherwise;
        }
        try {
            return Integer.parseInt(attribute.getNodeValue());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static int clip(int v) {
        return v <= 0 ? 0 : Math.min(v, 255);
    }

    private static int fix(double x) {
        return (int) (x * (1L << SCALEBITS) + 0.5);
    }
}
