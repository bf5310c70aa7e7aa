package io.sluice.proxy.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A SOCKS5 server (RFC 1928, username/password auth of RFC 1929, CONNECT only) on 127.0.0.1, written with Netty's
 * socksx codec: a real protocol peer for the outbound-proxy tests, since Debian's SOCKS servers (dante) need root
 * set-up and a network interface name. Its outgoing connections are bound to {@value #OUTGOING}, so an upstream can
 * tell them from Sluice's own; each CONNECT is recorded as {@code DOMAIN host:port} or {@code IPv4 host:port}.
 */
public final class Socks5Peer implements AutoCloseable {

    /** The address this server's connections to upstreams come from. */
    public static final String OUTGOING = "127.0.0.3";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final String user;
    private final String password;
    private final List<String> connects = new CopyOnWriteArrayList<>();
    private final List<String> authFailures = new CopyOnWriteArrayList<>();

    /** @param user null to accept clients without authentication; else the only user and password accepted */
    public Socks5Peer(String user, String password) throws InterruptedException {
        this.user = user;
        this.password = password;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Socks5ServerEncoder.DEFAULT, new Socks5InitialRequestDecoder(),
                                new Greeting());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** {@code socks5h://[user:password@]127.0.0.1:<port>} with the given credentials (null for none). */
    public String url(String scheme, String u, String p) {
        return scheme + "://" + (u == null ? "" : u + ":" + p + "@") + "127.0.0.1:" + port();
    }

    /** The CONNECT commands accepted so far: {@code DOMAIN host:port}, {@code IPv4 host:port}. */
    public List<String> connects() {
        return List.copyOf(connects);
    }

    /** The user names refused so far. */
    public List<String> authFailures() {
        return List.copyOf(authFailures);
    }

    /** Method negotiation, then (when required) username/password, then the command. */
    private final class Greeting extends SimpleChannelInboundHandler<Socks5Message> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Socks5Message msg) {
            if (msg instanceof Socks5InitialRequest init) {
                if (user == null) {
                    ctx.pipeline().replace(Socks5InitialRequestDecoder.class, "cmd", new Socks5CommandRequestDecoder());
                    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
                } else if (init.authMethods().contains(Socks5AuthMethod.PASSWORD)) {
                    ctx.pipeline().replace(Socks5InitialRequestDecoder.class, "auth",
                            new Socks5PasswordAuthRequestDecoder());
                    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.PASSWORD));
                } else {
                    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            } else if (msg instanceof Socks5PasswordAuthRequest auth) {
                if (user.equals(auth.username()) && password.equals(auth.password())) {
                    ctx.pipeline().replace("auth", "cmd", new Socks5CommandRequestDecoder());
                    ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
                } else {
                    authFailures.add(auth.username());
                    ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            } else if (msg instanceof Socks5CommandRequest cmd && cmd.type() == Socks5CommandType.CONNECT) {
                connect(ctx, cmd);
            } else {
                ctx.close();
            }
        }

        private void connect(ChannelHandlerContext ctx, Socks5CommandRequest cmd) {
            Channel in = ctx.channel();
            in.config().setAutoRead(false);
            new Bootstrap().group(in.eventLoop()).channel(NioSocketChannel.class)
                    .handler(new Relay(in))
                    .localAddress(OUTGOING, 0)
                    .connect(new InetSocketAddress(cmd.dstAddr(), cmd.dstPort()))
                    .addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            in.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.CONNECTION_REFUSED,
                                    Socks5AddressType.IPv4)).addListener(ChannelFutureListener.CLOSE);
                            return;
                        }
                        connects.add((cmd.dstAddrType() == Socks5AddressType.DOMAIN ? "DOMAIN " : "IPv4 ")
                                + cmd.dstAddr() + ":" + cmd.dstPort());
                        in.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS,
                                Socks5AddressType.IPv4, "127.0.0.1", 0)).addListener(w -> {
                                    in.pipeline().remove(Socks5ServerEncoder.class);
                                    in.pipeline().remove("cmd");
                                    in.pipeline().remove(Greeting.this);
                                    in.pipeline().addLast(new Relay(f.channel()));
                                    in.config().setAutoRead(true);
                                });
                    });
        }
    }

    /** Copies what one side reads to the other; a close on either side closes both. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel other;

        Relay(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (other.isActive()) {
                other.writeAndFlush(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            other.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
