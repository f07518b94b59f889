package dev.mmrag.adapt;

import dev.mmrag.api.InvalidInputException;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Makes augmented views of a catalogue photo, for self-supervised training pairs (view, original photo): what a
 * shopper's snapshot of the same product might look like. Each view is drawn from a seed, so the same photo and
 * seed give the same view.
 *
 * <p>A view is, with probability {@value #SCENE_PROBABILITY}, a <b>scene</b>: the product is cut out of its studio
 * background (pixels close to the colour interpolated between the photo's corners are background), flipped half
 * of the time, scaled, stretched sideways by {@value #MIN_STRETCH} to {@value #MAX_STRETCH} (log-uniform), rotated by up to
 * {@value #MAX_ROTATION_DEGREES} degrees and pasted, off centre, onto a {@value #SCENE_WIDTH} x
 * {@value #SCENE_HEIGHT} background of a random colour gradient with up to four random rectangles and ellipses;
 * otherwise it is a <b>random resized crop</b> of the photo (40 to 100% of its area, aspect 3:4 to 4:3, flipped
 * half of the time). Both then get colour jitter (brightness, contrast and saturation by up to 15%; the hue is kept,
 * since colour is what shoppers ask for), a box blur (radius 1 or 2) six times in ten, Gaussian noise of up to 10
 * levels, and JPEG re-compression at quality 50 to 95%.
 *
 * <p>The photo is the user's own catalogue but is still read with care: the format must be one ImageIO reads,
 * and a photo over {@link #MAX_PIXELS} pixels is refused from its header before it is decoded.
 *
 * <p>Thread-safety: stateless; safe for concurrent use.
 */
public final class ImageAugmenter {

    /** The share of views that are scenes (the rest are crops). */
    public static final double SCENE_PROBABILITY = 0.75;
    /** The width of a scene. */
    public static final int SCENE_WIDTH = 400;
    /** The height of a scene. */
    public static final int SCENE_HEIGHT = 300;
    /** The most a scene stretches the product sideways. */
    public static final double MAX_STRETCH = 1.5;
    /** The least a scene stretches the product sideways (below 1: squashed). */
    public static final double MIN_STRETCH = 0.9;
    /** The largest rotation of a scene's product. */
    public static final double MAX_ROTATION_DEGREES = 12;
    /** The largest photo accepted, in pixels. */
    public static final long MAX_PIXELS = 40_000_000L;

    /** Creates an augmenter. */
    public ImageAugmenter() {
    }

    /**
     * Decodes a photo once, for several views.
     *
     * @param bytes the photo's file contents
     * @param what the photo's name, for messages
     * @return the decoded photo
     * @throws InvalidInputException naming the photo when it cannot be decoded or is too large
     */
    public Photo decode(byte[] bytes, String what) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (in == null || !readers.hasNext()) {
                throw new InvalidInputException("photo " + what + " is not in an image format this JVM can read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new InvalidInputException("photo " + what + " is " + reader.getWidth(0) + "x"
                            + reader.getHeight(0) + " = " + pixels + " pixels; the augmenter accepts at most "
                            + MAX_PIXELS);
                }
                BufferedImage image = reader.read(0);
                return new Photo(toRgb(image));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException) {
                throw (InvalidInputException) e;
            }
            throw new InvalidInputException("photo " + what + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    /**
     * Draws one view.
     *
     * @param photo the decoded photo
     * @param seed the view's seed
     * @return the view as JPEG bytes
     */
    public byte[] view(Photo photo, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = random.nextDouble() < SCENE_PROBABILITY ? scene(photo, random) : crop(photo, random);
        int[] rgb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        jitter(rgb, random);
        if (random.nextDouble() < 0.6) {
            rgb = boxBlur(rgb, image.getWidth(), image.getHeight(), 1 + random.nextInt(2));
        }
        noise(rgb, random.nextDouble() * 10, random);
        image.setRGB(0, 0, image.getWidth(), image.getHeight(), rgb, 0, image.getWidth());
        return jpeg(image, 0.5f + 0.45f * (float) random.nextDouble());
    }

    private static BufferedImage scene(Photo photo, SplittableRandom random) {
        BufferedImage canvas = new BufferedImage(SCENE_WIDTH, SCENE_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            Color top = randomColor(random);
            Color bottom = randomColor(random);
            for (int y = 0; y < SCENE_HEIGHT; y++) {
                double t = y / (double) (SCENE_HEIGHT - 1);
                g.setColor(mix(top, bottom, t));
                g.drawLine(0, y, SCENE_WIDTH - 1, y);
            }
            int shapes = random.nextInt(5);
            for (int s = 0; s < shapes; s++) {
                g.setColor(randomColor(random));
                int w = 20 + random.nextInt(140);
                int h = 20 + random.nextInt(120);
                int x = random.nextInt(SCENE_WIDTH) - w / 2;
                int y = random.nextInt(SCENE_HEIGHT) - h / 2;
                if (random.nextBoolean()) {
                    g.fillRect(x, y, w, h);
                } else {
                    g.fillOval(x, y, w, h);
                }
            }
            BufferedImage cutout = photo.cutout();
            double height = SCENE_HEIGHT * (0.75 + 0.45 * random.nextDouble());
            double scale = height / cutout.getHeight();
            double stretch = Math.exp(Math.log(MIN_STRETCH) + random.nextDouble() * Math.log(MAX_STRETCH / MIN_STRETCH));
            double angle = Math.toRadians((random.nextDouble() * 2 - 1) * MAX_ROTATION_DEGREES);
            double cx = SCENE_WIDTH / 2.0 + (random.nextDouble() * 2 - 1) * SCENE_WIDTH * 0.15;
            double cy = SCENE_HEIGHT / 2.0 + (random.nextDouble() * 2 - 1) * SCENE_HEIGHT * 0.1;
            boolean flip = random.nextBoolean();
            AffineTransform t = new AffineTransform();
            t.translate(cx, cy);
            t.rotate(angle);
            t.scale(scale * stretch * (flip ? -1 : 1), scale);
            t.translate(-cutout.getWidth() / 2.0, -cutout.getHeight() / 2.0);
            g.setComposite(AlphaComposite.SrcOver);
            g.drawImage(cutout, t, null);
        } finally {
            g.dispose();
        }
        return canvas;
    }

    private static BufferedImage crop(Photo photo, SplittableRandom random) {
        BufferedImage source = photo.image();
        int w = source.getWidth();
        int h = source.getHeight();
        double area = w * h * (0.4 + 0.6 * random.nextDouble());
        double aspect = Math.exp(Math.log(0.75) + random.nextDouble() * (Math.log(4.0 / 3) - Math.log(0.75)));
        int cw = Math.max(8, Math.min(w, (int) Math.round(Math.sqrt(area * aspect))));
        int ch = Math.max(8, Math.min(h, (int) Math.round(Math.sqrt(area / aspect))));
        int x = random.nextInt(w - cw + 1);
        int y = random.nextInt(h - ch + 1);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            boolean flip = random.nextBoolean();
            g.drawImage(source, flip ? w : 0, 0, flip ? 0 : w, h, x, y, x + cw, y + ch, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void jitter(int[] rgb, SplittableRandom random) {
        double brightness = 0.85 + 0.3 * random.nextDouble();
        double contrast = 0.85 + 0.3 * random.nextDouble();
        double saturation = 0.85 + 0.3 * random.nextDouble();
        double mean = 0;
        for (int p : rgb) {
            mean += luma(p);
        }
        mean /= rgb.length;
        for (int i = 0; i < rgb.length; i++) {
            int p = rgb[i];
            double l = luma(p);
            double[] c = {(p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff};
            int packed = 0;
            for (int k = 0; k < 3; k++) {
                double v = l + (c[k] - l) * saturation;
                v = mean + (v - mean) * contrast;
                v *= brightness;
                packed = packed << 8 | clamp(v);
            }
            rgb[i] = packed;
        }
    }

    private static int[] boxBlur(int[] rgb, int w, int h, int radius) {
        int[] horizontal = new int[rgb.length];
        int[] out = new int[rgb.length];
        blurPass(rgb, horizontal, w, h, radius, true);
        blurPass(horizontal, out, w, h, radius, false);
        return out;
    }

    private static void blurPass(int[] in, int[] out, int w, int h, int radius, boolean alongRows) {
        int lines = alongRows ? h : w;
        int length = alongRows ? w : h;
        for (int line = 0; line < lines; line++) {
            for (int i = 0; i < length; i++) {
                int r = 0;
                int gr = 0;
                int b = 0;
                int n = 0;
                for (int k = Math.max(0, i - radius); k <= Math.min(length - 1, i + radius); k++) {
                    int p = in[alongRows ? line * w + k : k * w + line];
                    r += (p >> 16) & 0xff;
                    gr += (p >> 8) & 0xff;
                    b += p & 0xff;
                    n++;
                }
                out[alongRows ? line * w + i : i * w + line] = (r / n) << 16 | (gr / n) << 8 | (b / n);
            }
        }
    }

    private static void noise(int[] rgb, double sigma, SplittableRandom random) {
        if (sigma < 0.5) {
            return;
        }
        for (int i = 0; i < rgb.length; i++) {
            int p = rgb[i];
            int packed = 0;
            for (int shift = 16; shift >= 0; shift -= 8) {
                packed = packed << 8 | clamp(((p >> shift) & 0xff) + random.nextGaussian() * sigma);
            }
            rgb[i] = packed;
        }
    }

    private static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException("JPEG encoding in memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static Color randomColor(SplittableRandom random) {
        return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
    }

    private static Color mix(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
                (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
    }

    private static double luma(int p) {
        return 0.299 * ((p >> 16) & 0xff) + 0.587 * ((p >> 8) & 0xff) + 0.114 * (p & 0xff);
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    private static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    /**
     * A decoded catalogue photo and its cut-out (the product without its studio background), made once for all
     * its views.
     *
     * <p>Thread-safety: immutable after construction (views only read it).
     */
    public static final class Photo {
        private final BufferedImage image;
        private final BufferedImage cutout;

        Photo(BufferedImage image) {
            this.image = image;
            this.cutout = cutOut(image);
        }

        BufferedImage image() {
            return image;
        }

        BufferedImage cutout() {
            return cutout;
        }

        /**
         * The photo with an alpha channel: transparent where a pixel is within 18 levels (Euclidean RGB) of the
         * background colour interpolated between the four corners, opaque beyond 40, a ramp between.
         */
        private static BufferedImage cutOut(BufferedImage image) {
            int w = image.getWidth();
            int h = image.getHeight();
            int[] c00 = corner(image, 0, 0);
            int[] c10 = corner(image, w - 4, 0);
            int[] c01 = corner(image, 0, h - 4);
            int[] c11 = corner(image, w - 4, h - 4);
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
            int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int y = 0; y < h; y++) {
                double ty = h > 1 ? y / (double) (h - 1) : 0;
                for (int x = 0; x < w; x++) {
                    double tx = w > 1 ? x / (double) (w - 1) : 0;
                    int p = rgb[y * w + x];
                    double distance = 0;
                    for (int k = 0; k < 3; k++) {
                        double background = (c00[k] * (1 - tx) + c10[k] * tx) * (1 - ty)
                                + (c01[k] * (1 - tx) + c11[k] * tx) * ty;
                        double diff = ((p >> (16 - 8 * k)) & 0xff) - background;
                        distance += diff * diff;
                    }
                    distance = Math.sqrt(distance);
                    int alpha = distance <= 18 ? 0 : distance >= 40 ? 255 : (int) Math.round((distance - 18) / 22 * 255);
                    rgb[y * w + x] = alpha << 24 | (p & 0xffffff);
                }
            }
            out.setRGB(0, 0, w, h, rgb, 0, w);
            return out;
        }

        private static int[] corner(BufferedImage image, int x0, int y0) {
            int[] sum = new int[3];
            int n = 0;
            for (int y = Math.max(0, y0); y < Math.min(image.getHeight(), y0 + 4); y++) {
                for (int x = Math.max(0, x0); x < Math.min(image.getWidth(), x0 + 4); x++) {
                    int p = image.getRGB(x, y);
                    sum[0] += (p >> 16) & 0xff;
                    sum[1] += (p >> 8) & 0xff;
                    sum[2] += p & 0xff;
                    n++;
                }
            }
            return new int[] {sum[0] / Math.max(1, n), sum[1] / Math.max(1, n), sum[2] / Math.max(1, n)};
        }
    }
}
