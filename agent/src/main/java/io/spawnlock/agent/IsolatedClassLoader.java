package io.spawnlock.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent core and its libraries (ByteBuddy, HdrHistogram, JNA) from the jar entries
 * {@code inst/**}, where class files are stored as {@code .classdata}.
 *
 * <p>Neither the application's loaders nor the boot loader can see those entries, and this loader's
 * parent is the platform loader, so the application's own copies of the same libraries, in any version,
 * never meet ours. JNA cannot be relocated (its native code looks classes up by name), so isolation,
 * not shading, is what keeps it apart.
 */
final class IsolatedClassLoader extends ClassLoader {
    static final String PREFIX = "inst/";
    private static final String CLASS_SUFFIX = ".classdata";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final URL jarUrl;
    private final ProtectionDomain protectionDomain;
    private final Map<String, URL> nativeLibraries = new HashMap<>();

    IsolatedClassLoader(JarFile jar, URL jarUrl) {
        super("spawnlock", ClassLoader.getPlatformClassLoader());
        this.jar = jar;
        this.jarUrl = jarUrl;
        this.protectionDomain = new ProtectionDomain(new CodeSource(jarUrl, (Certificate[]) null), null, this, null);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS_SUFFIX);
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try {
            bytes = BootProbes.read(jar, entry);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        definePackageOf(name);
        return defineClass(name, bytes, 0, bytes.length, protectionDomain);
    }

    private void definePackageOf(String className) {
        int dot = className.lastIndexOf('.');
        if (dot > 0) {
            String pkg = className.substring(0, dot);
            if (getDefinedPackage(pkg) == null) {
                try {
                    definePackage(pkg, null, null, null, null, null, null, null);
                } catch (IllegalArgumentException definedConcurrently) {
                    // another thread defined it first
                }
            }
        }
    }

    @Override
    protected URL findResource(String name) {
        String entryName = entryName(name);
        JarEntry entry = jar.getJarEntry(entryName);
        if (entry == null) {
            return null;
        }
        if (name.endsWith(".so")) {
            return nativeLibrary(entry);
        }
        try {
            return new URL("jar:" + jarUrl + "!/" + entryName);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    /** A native library as a file that can be mapped executable, extracted once; JNA loads it from there. */
    private URL nativeLibrary(JarEntry entry) {
        synchronized (nativeLibraries) { // once per library, on the agent thread; never on a spawn path
            URL url = nativeLibraries.get(entry.getName());
            if (url == null) {
                Path jarDirectory = null;
                try {
                    jarDirectory = Paths.get(jarUrl.toURI()).getParent();
                } catch (URISyntaxException | RuntimeException e) {
                    // not a file: only the other places
                }
                url = NativeLibraries.extract(jar, entry, jarDirectory);
                nativeLibraries.put(entry.getName(), url);
            }
            return url;
        }
    }

    /**
     * Our own entries are read straight from the open jar: going through a {@code jar:} URL would load and
     * set up the JDK's URL connection classes, ~5 ms before the application's {@code main} (the version is
     * read in premain).
     */
    @Override
    public InputStream getResourceAsStream(String name) {
        if (!name.endsWith(".so")) {
            JarEntry entry = jar.getJarEntry(entryName(name));
            if (entry != null) {
                try {
                    return jar.getInputStream(entry);
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return super.getResourceAsStream(name);
    }

    private static String entryName(String resource) {
        return PREFIX + (resource.endsWith(".class")
                ? resource.substring(0, resource.length() - ".class".length()) + CLASS_SUFFIX
                : resource);
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }
}
