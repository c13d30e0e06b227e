package dev.gpuconfig.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcomes clients report, in a database ({@link Database}): written in one transaction with
 * the history version every replica watches, read back by model for the rules and as pages for
 * GET /v1/failures. A write returns only once it is committed, so an answer never goes out for a
 * report that could still be lost. When the database cannot be reached, every call throws
 * {@link StoreException} and {@link HistoryCache} retries opening it.
 */
@ApplicationScoped
public class OutcomeStore {
    private static final Logger LOG = Logger.getLogger(OutcomeStore.class);
    private static final String COLUMNS = "id, reported_at, model, kind, gpu, gpu_count, utilization, max_model_len, kv_fp8,"
            + " error_class, kv_cache_tokens, gpu_blocks, rules_version, request, excerpt";

    private final StoreConfig config;
    private volatile AgroalDataSource ds;
    private volatile String lastError;

    public OutcomeStore(StoreConfig config) {
        this.config = config;
    }

    /** Opens the database if it is not open; false (and {@link #lastError()}) when it cannot be now. */
    public synchronized boolean open() {
        if (ds != null) {
            return true;
        }
        try {
            ds = Database.open(config);
            lastError = null;
            LOG.infof("outcome store: %s", where());
            return true;
        } catch (SQLException | RuntimeException e) {
            if (lastError == null) {
                LOG.errorf("outcome store: cannot open %s (%s); retrying", where(), e.getMessage());
            }
            lastError = e.getMessage();
            return false;
        }
    }

    public boolean isOpen() {
        return ds != null;
    }

    /** Why the store could not be opened last, or null. */
    public String lastError() {
        return lastError;
    }

    /** Whether other processes may write the store too (PostgreSQL); an embedded one is this process's alone. */
    public boolean shared() {
        return config.url().isPresent();
    }

    /** Where the outcomes are kept, without credentials. */
    public String where() {
        return Database.describe(config);
    }

    synchronized void close(@Observes ShutdownEvent event) {
        if (ds != null) {
            ds.close();
            ds = null;
        }
    }

    /** Stores {@code o} and raises the history version, in one transaction; returns it with its id and time. */
    public Outcome record(Outcome o) {
        Instant at = Instant.now();
        long id = write("store the outcome", c -> {
            try (PreparedStatement insert = c.prepareStatement("insert into outcome (reported_at, model, model_key, kind, gpu,"
                    + " gpu_count, utilization, max_model_len, kv_fp8, error_class, kv_cache_tokens, gpu_blocks, rules_version,"
                    + " request, excerpt) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                int i = 0;
                insert.setObject(++i, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                insert.setString(++i, o.model());
                insert.setString(++i, Outcome.key(o.model()));
                insert.setString(++i, o.kind());
                insert.setString(++i, o.gpu());
                insert.setInt(++i, o.gpuCount());
                insert.setDouble(++i, o.utilization());
                setNullable(insert, ++i, o.maxModelLen(), Types.INTEGER);
                setNullable(insert, ++i, o.kvFp8(), Types.BOOLEAN);
                insert.setString(++i, o.errorClass());
                setNullable(insert, ++i, o.kvCacheTokens(), Types.BIGINT);
                setNullable(insert, ++i, o.gpuBlocks(), Types.BIGINT);
                insert.setString(++i, o.rulesVersion());
                insert.setString(++i, text(o.request()));
                insert.setString(++i, text(o.excerpt()));
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
        return o.stored(id, at);
    }

    /** The history version: raised by every write on any replica. */
    public long version() {
        try (Connection c = connection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select version from history_version where id = 1")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failed("read the history version", e);
        }
    }

    /**
     * What the rules need of {@code model} since {@code since}: its failures and the starts that
     * reported a KV cache (the newest {@code limit}, without their texts), and every other start
     * counted per configuration (a busy model's starts never push its failures out of the limit).
     */
    public History history(String model, Instant since, int limit) {
        OffsetDateTime from = OffsetDateTime.ofInstant(since, ZoneOffset.UTC);
        List<Outcome> rows = query("select id, reported_at, model, kind, gpu, gpu_count, utilization, max_model_len, kv_fp8,"
                + " error_class, kv_cache_tokens, gpu_blocks, rules_version, null as request, null as excerpt from outcome"
                + " where model_key = ? and reported_at >= ? and (kind = ? or kv_cache_tokens is not null)"
                + " order by id desc fetch first ? rows only", Outcome.key(model), from, Outcome.FAILURE, limit);
        java.util.Map<String, Integer> starts = new java.util.HashMap<>();
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("select gpu, gpu_count, count(*) from outcome"
                + " where model_key = ? and reported_at >= ? and kind = ? and kv_cache_tokens is null group by gpu, gpu_count")) {
            s.setString(1, Outcome.key(model));
            s.setObject(2, from);
            s.setString(3, Outcome.STARTED);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    starts.put(rs.getString(1) + ":" + rs.getInt(2), rs.getInt(3));
                }
            }
        } catch (SQLException e) {
            throw failed("read the outcomes", e);
        }
        return new History(rows, starts);
    }

    /** A model's failures and reported KV caches, and its other starts counted by "GPU:count". */
    public record History(List<Outcome> rows, java.util.Map<String, Integer> otherStarts) {
    }

    /** Failures, newest first: of one model (or all when null), with an id below {@code before} (or any when null). */
    public List<Outcome> failures(String model, Long before, int limit) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from outcome where kind = ?");
        args.add(Outcome.FAILURE);
        if (model != null) {
            sql.append(" and model_key = ?");
            args.add(Outcome.key(model));
        }
        if (before != null) {
            sql.append(" and id < ?");
            args.add(before);
        }
        sql.append(" order by id desc fetch first ? rows only");
        args.add(limit);
        return query(sql.toString(), args.toArray());
    }

    /** Forgets every outcome of {@code model} (an operator fixed the cause); returns how many. */
    public int forget(String model) {
        return write("forget the outcomes", c -> {
            try (PreparedStatement del = c.prepareStatement("delete from outcome where model_key = ?")) {
                del.setString(1, Outcome.key(model));
                return del.executeUpdate();
            }
        });
    }

    /** A change of the outcomes on one connection. */
    private interface Change<T> {
        T apply(Connection c) throws SQLException;
    }

    /**
     * Runs {@code change} and raises the history version in one transaction: every replica that
     * sees the new version sees the change, and no change goes unseen.
     */
    private <T> T write(String what, Change<T> change) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement bump = c.prepareStatement("update history_version set version = version + 1 where id = 1")) {
                T result = change.apply(c);
                bump.executeUpdate();
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    private List<Outcome> query(String sql, Object... args) {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<Outcome> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failed("read the outcomes", e);
        }
    }

    private static Outcome read(ResultSet rs) throws SQLException {
        return new Outcome(rs.getLong("id"), rs.getObject("reported_at", OffsetDateTime.class).toInstant(),
                rs.getString("model"), rs.getString("kind"), rs.getString("gpu"), rs.getInt("gpu_count"),
                rs.getDouble("utilization"), rs.getObject("max_model_len", Integer.class),
                rs.getObject("kv_fp8", Boolean.class), rs.getString("error_class"),
                rs.getObject("kv_cache_tokens", Long.class), rs.getObject("gpu_blocks", Long.class),
                rs.getString("rules_version"), rs.getString("request"), rs.getString("excerpt"));
    }

    /** PostgreSQL's text cannot hold NUL characters, which an error text may carry. */
    private static String text(String s) {
        return s == null ? null : s.replace('\u0000', ' ');
    }

    private static void setNullable(PreparedStatement s, int i, Object v, int type) throws SQLException {
        if (v == null) {
            s.setNull(i, type);
        } else {
            s.setObject(i, v);
        }
    }

    private Connection connection() throws SQLException {
        AgroalDataSource d = ds;
        if (d == null) {
            throw new SQLException("the store is not open" + (lastError == null ? "" : ": " + lastError));
        }
        return d.getConnection();
    }

    private StoreException failed(String what, SQLException e) {
        return new StoreException("cannot " + what + " in " + where() + ": " + e.getMessage(), e);
    }
}
