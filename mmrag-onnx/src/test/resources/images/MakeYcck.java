import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.File;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Makes ycck.jpg from cmyk-black.jpg (run from this folder with {@code java MakeYcck.java}): a YCCK JPEG (Adobe
 * APP14 transform 2) holding the same picture. Neither Pillow nor the JDK's writer converts CMYK to YCCK, so the
 * conversion is done here, the inverse of libjpeg's YCCK-to-CMYK one: the stored (Adobe, inverted) C, M, Y are
 * taken as 255 - R, G, B, turned into JFIF Y, Cb, Cr, and K is kept. The JDK's writer stores a raster's samples
 * as they are, labelled with the metadata's transform.
 */
public class MakeYcck {
    public static void main(String[] args) throws Exception {
        ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
        reader.setInput(ImageIO.createImageInputStream(new File("cmyk-black.jpg")));
        Raster cmyk = reader.readRaster(0, null);
        WritableRaster ycck = cmyk.createCompatibleWritableRaster();
        int[] p = new int[4];
        for (int y = 0; y < cmyk.getHeight(); y++) {
            for (int x = 0; x < cmyk.getWidth(); x++) {
                cmyk.getPixel(x, y, p);
                double r = 255 - p[0], g = 255 - p[1], b = 255 - p[2];
                int luma = clamp(0.299 * r + 0.587 * g + 0.114 * b);
                int cb = clamp(-0.168736 * r - 0.331264 * g + 0.5 * b + 128);
                int cr = clamp(0.5 * r - 0.418688 * g - 0.081312 * b + 128);
                ycck.setPixel(x, y, new int[] {luma, cb, cr, p[3]});
            }
        }
        IIOMetadata metadata = reader.getImageMetadata(0);
        IIOMetadataNode tree = (IIOMetadataNode) metadata.getAsTree("javax_imageio_jpeg_image_1.0");
        ((IIOMetadataNode) tree.getElementsByTagName("app14Adobe").item(0)).setAttribute("transform", "2");
        metadata.setFromTree("javax_imageio_jpeg_image_1.0", tree);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(new File("ycck.jpg"))) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(ycck, null, metadata), param);
        }
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
