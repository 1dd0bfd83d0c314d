package dev.socketkit.camera.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The camera's TLS settings, laid over the context its keystore made: TLS 1.2 and 1.3 only, and
 * only suites with forward secrecy (TLS 1.3's, and ECDHE with AES-GCM or ChaCha20-Poly1305 for TLS
 * 1.2), in the server's order of preference. A recorded session cannot be read later with the
 * server's key, and a client cannot talk the camera down to an old protocol.
 *
 * <p>The HTTP server makes each connection's {@link SSLSocket} from the context's socket factory,
 * so {@link #harden} returns a context whose factory applies these settings to every socket it
 * makes. Client-initiated renegotiation (a cheap way to make the server do expensive work, and gone
 * from TLS 1.3) is refused by the JDK-wide {@code jdk.tls.rejectClientInitiatedRenegotiation},
 * which {@link #harden} sets unless it was set already. Immutable; any thread.
 */
public final class ServerTls {
  /** The protocols offered: TLS 1.0 and 1.1 are obsolete (RFC 8996). */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private ServerTls() {}

  /**
   * A context that makes server sockets as {@code context} does, limited to {@link #PROTOCOLS} and
   * forward-secret suites.
   *
   * @throws IllegalArgumentException if {@code context} supports none of those suites
   */
  public static SSLContext harden(SSLContext context) {
    if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
      System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
    }
    SSLParameters supported = context.getSupportedSSLParameters();
    List<String> protocols = new ArrayList<>();
    for (String protocol : PROTOCOLS) {
      if (Arrays.asList(supported.getProtocols()).contains(protocol)) {
        protocols.add(protocol);
      }
    }
    List<String> suites = new ArrayList<>();
    for (String suite : context.getDefaultSSLParameters().getCipherSuites()) {
      if (forwardSecret(suite)) {
        suites.add(suite);
      }
    }
    if (protocols.isEmpty() || suites.isEmpty()) {
      throw new IllegalArgumentException(
          "TLS: this Java offers no TLS 1.2 or 1.3 suite with forward secrecy");
    }
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(protocols.toArray(String[]::new));
    parameters.setCipherSuites(suites.toArray(String[]::new));
    parameters.setUseCipherSuitesOrder(true);
    return new Hardened(context, parameters);
  }

  /**
   * Whether a suite keeps past sessions secret if the server's key leaks: every TLS 1.3 suite (the
   * key exchange is always ephemeral), and TLS 1.2's ECDHE with an AEAD cipher.
   */
  static boolean forwardSecret(String suite) {
    if (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
      return true;
    }
    return suite.startsWith("TLS_ECDHE_")
        && (suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_"));
  }

  /** The keystore's context, with sockets limited to the hardened parameters. */
  private static final class Hardened extends SSLContext {
    Hardened(SSLContext delegate, SSLParameters parameters) {
      super(new Spi(delegate, parameters), delegate.getProvider(), delegate.getProtocol());
    }
  }

  /** Hands every call to the keystore's context and sets the parameters on what it makes. */
  private static final class Spi extends SSLContextSpi {
    private final SSLContext delegate;
    private final SSLParameters parameters;

    Spi(SSLContext delegate, SSLParameters parameters) {
      this.delegate = delegate;
      this.parameters = parameters;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
        throws KeyManagementException {
      throw new KeyManagementException("already initialised from the keystore");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return new Sockets(delegate.getSocketFactory(), parameters);
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return delegate.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      SSLEngine engine = delegate.createSSLEngine();
      engine.setSSLParameters(parameters);
      return engine;
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      SSLEngine engine = delegate.createSSLEngine(host, port);
      engine.setSSLParameters(parameters);
      return engine;
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return delegate.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return copy(parameters);
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return delegate.getSupportedSSLParameters();
    }
  }

  private static SSLParameters copy(SSLParameters parameters) {
    SSLParameters copy = new SSLParameters(parameters.getCipherSuites(), parameters.getProtocols());
    copy.setUseCipherSuitesOrder(parameters.getUseCipherSuitesOrder());
    return copy;
  }

  /** Makes the keystore context's sockets, each set to the hardened parameters. */
  private static final class Sockets extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final SSLParameters parameters;

    Sockets(SSLSocketFactory delegate, SSLParameters parameters) {
      this.delegate = delegate;
      this.parameters = parameters;
    }

    private Socket limit(Socket socket) {
      if (socket instanceof SSLSocket tls) {
        tls.setSSLParameters(copy(parameters));
      }
      return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return parameters.getCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose)
        throws IOException {
      return limit(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(Socket s, InputStream consumed, boolean autoClose)
        throws IOException {
      return limit(delegate.createSocket(s, consumed, autoClose));
    }

    @Override
    public Socket createSocket() throws IOException {
      return limit(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return limit(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      return limit(delegate.createSocket(host, port, local, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return limit(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort)
        throws IOException {
      return limit(delegate.createSocket(address, port, local, localPort));
    }
  }
}
