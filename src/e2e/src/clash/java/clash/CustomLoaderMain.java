package clash;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;

/**
 * Runs {@link ClashApp} with its libraries in a class loader of its own (as application servers and
 * plugin hosts do): argument 0 is that loader's class path.
 */
public final class CustomLoaderMain {
    public static void main(String[] args) throws Exception {
        String[] parts = args[0].split(File.pathSeparator);
        URL[] urls = new URL[parts.length];
        for (int i = 0; i < parts.length; i++) {
            urls[i] = new File(parts[i]).toURI().toURL();
        }
        try (URLClassLoader loader = new URLClassLoader("application", urls, ClassLoader.getPlatformClassLoader())) {
            loader.loadClass("clash.ClashApp").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        }
    }
}
