package io.spawnlock.agent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.AllPermission;
import java.security.CodeSource;
import java.security.Permissions;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent core from the jar entries {@code inst/**}, where class files are stored as
 * {@code .classdata}, and its libraries (ByteBuddy, HdrHistogram, JNA) from {@code inst/libraries.zip}, an
 * archive stored inside the jar ({@link StoredArchive}).
 *
 * <p>Neither the application's loaders nor the boot loader can see those entries, and this loader's
 * parent is the platform loader, so the application's own copies of the same libraries, in any version,
 * never meet ours. JNA cannot be relocated (its native code looks classes up by name), so isolation,
 * not shading, is what keeps it apart.
 */
final class IsolatedClassLoader extends ClassLoader {
    static final String PREFIX = "inst/";
    static final String LIBRARIES = PREFIX + "libraries.zip";
    private static final String CLASS_SUFFIX = ".classdata";
    private static final String NATIVE_LIBRARIES = "io.spawnlock.os.NativeLibraries";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final URL jarUrl;
    private final ProtectionDomain protectionDomain;
    private final Map<String, URL> nativeLibraries = new HashMap<>();
    /** Opened at the first class or resource that is not the core's own. */
    private volatile StoredArchive libraries;
    private final Object librariesLock = new Object();

    IsolatedClassLoader(JarFile jar, URL jarUrl) {
        super("spawnlock", ClassLoader.getPlatformClassLoader());
        this.jar = jar;
        this.jarUrl = jarUrl;
        // every permission, bound to the classes (no policy asked): the agent's work runs privileged (the
        // core's Privileged), so an application's SecurityManager neither stops it nor lends it anything
        Permissions all = new Permissions();
        all.add(new AllPermission());
        all.setReadOnly();
        this.protectionDomain = new ProtectionDomain(new CodeSource(jarUrl, (Certificate[]) null), all);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes;
        try {
            bytes = read(name.replace('.', '/') + ".class");
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        definePackageOf(name);
        return defineClass(name, bytes, 0, bytes.length, protectionDomain);
    }

    private StoredArchive libraries() throws IOException {
        StoredArchive l = libraries;
        if (l == null) {
            synchronized (librariesLock) { // once, on the agent's thread; never on a spawn path
                l = libraries;
                if (l == null) {
                    JarEntry archive = jar.getJarEntry(LIBRARIES);
                    if (archive == null) {
                        throw new IOException(jar.getName() + " has no " + LIBRARIES);
                    }
                    l = StoredArchive.open(jar, archive);
                    libraries = l;
                }
            }
        }
        return l;
    }

    /** A resource's content (a class as {@code a/b/C.class}): the core's own, else the libraries'; null if neither has it. */
    private byte[] read(String name) throws IOException {
        JarEntry entry = jar.getJarEntry(entryName(name));
        return entry != null ? BootProbes.read(jar, entry) : libraries().read(name);
    }

    /** As {@link #read}, with an unreadable resource taken as missing. */
    private byte[] content(String name) {
        try {
            return read(name);
        } catch (IOException e) {
            return null;
        }
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

    /**
     * A resource of the core as a {@code jar:} URL; a native library (JNA's) as a file extracted for it. A
     * library's other resources have no URL (they are inside the stored archive): read them as streams.
     */
    @Override
    protected URL findResource(String name) {
        if (name.endsWith(".so")) {
            return nativeLibrary(name);
        }
        String entryName = entryName(name);
        if (jar.getJarEntry(entryName) == null) {
            return null;
        }
        try {
            return new URL("jar:" + jarUrl + "!/" + entryName);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    /** A native library as a file that can be mapped executable, extracted once; JNA loads it from there. */
    private URL nativeLibrary(String name) {
        synchronized (nativeLibraries) { // once per library, on the agent thread; never on a spawn path
            if (nativeLibraries.containsKey(name)) {
                return nativeLibraries.get(name);
            }
            byte[] bytes = content(name);
            URL url = null;
            if (bytes != null) {
                Path jarDirectory = null;
                try {
                    jarDirectory = Paths.get(jarUrl.toURI()).getParent();
                } catch (URISyntaxException | RuntimeException e) {
                    // not a file: only the other places
                }
                url = extract(name, bytes, jarDirectory);
            }
            nativeLibraries.put(name, url);
            return url;
        }
    }

    /** The core's extraction, defined by this loader with the agent's permissions; null when it fails. */
    private URL extract(String name, byte[] bytes, Path jarDirectory) {
        try {
            return (URL) Class.forName(NATIVE_LIBRARIES, true, this)
                    .getMethod("extract", String.class, byte[].class, Path.class).invoke(null, name, bytes, jarDirectory);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // JNA then tries its own way, and may fail: the agent reports that once
        }
    }

    /**
     * Read straight from the jar, never through a {@code jar:} URL: that would load and set up the JDK's URL
     * connection classes (~5 ms), and a library's resources have no such URL.
     */
    @Override
    public InputStream getResourceAsStream(String name) {
        if (!name.endsWith(".so")) {
            byte[] bytes = content(name);
            if (bytes != null) {
                return new ByteArrayInputStream(bytes);
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
