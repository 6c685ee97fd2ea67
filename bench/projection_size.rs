//! Measures what a tenant's search projection really allocates, part by part (a counting
//! allocator around the system's), beside `TenantIndex::bytes`, the estimate the register
//! cache's memory budget counts. On a loaded bench database (bench/run), with its server
//! running (a Cargo example kept beside the benchmark, declared in Cargo.toml with this path):
//!   cargo run --release --example projection_size -- /tmp/vr-bench bench007
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use sqlx::postgres::PgConnectOptions;
use voorzieningen::db::{app_pool, Db};

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let options = PgConnectOptions::new()
        .socket(
            std::path::Path::new(&args[1])
                .join("postgres")
                .canonicalize()?,
        )
        .username("voorzieningen_app")
        .database("voorzieningen");
    let db = Db::new(app_pool(options, false, 2));
    let tenant: uuid::Uuid = sqlx::query_scalar("select tenant_id from tenants where slug = $1")
        .bind(&args[2])
        .fetch_one(db.pool())
        .await?;
    let mut tx = db.tenant_tx(tenant).await?;
    let before = live();
    let index = voorzieningen::search::load::load(&mut tx, 0).await?;
    tx.commit().await?;
    let total = live() - before;
    println!(
        "projection: {} facilities, {} bytes live, estimate {}",
        index.entries.len(),
        total,
        index.bytes()
    );
    let mut index = index;
    let part = |name: &str, f: &mut dyn FnMut()| {
        let b = live();
        f();
        println!("  {name}: {}", b - live());
    };
    part("text", &mut || drop(std::mem::take(&mut index.text)));
    part("entries", &mut || drop(std::mem::take(&mut index.entries)));
    part("options", &mut || drop(std::mem::take(&mut index.options)));
    part("opening", &mut || drop(std::mem::take(&mut index.opening)));
    part("by_id", &mut || drop(std::mem::take(&mut index.by_id)));
    part("areas", &mut || drop(std::mem::take(&mut index.areas)));
    part("types", &mut || drop(std::mem::take(&mut index.types)));
    drop(index);
    println!("  rest after all: {}", live() - before);
    Ok(())
}
