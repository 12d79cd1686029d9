//! The route table. Areas register through `Routes`, which either adds the
//! routes to the app or only records them: so `table()` lists every route
//! the app serves, and tests can check each one (a new route cannot be
//! forgotten by the authorisation tests).
//!
//! Each path is one resource holding all its methods: a GET also answers
//! HEAD (the same answer without its body, for monitors and link checkers),
//! and a method the path does not take is a 405 that names those it does
//! (`Allow`), not a 404.

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, HttpResponse, Responder, web};

pub struct Routes<'a> {
    sink: Sink<'a>,
}

enum Sink<'a> {
    /// Routes gathered by path (in the order the paths were first named:
    /// the router tries them in that order), mounted by `finish`.
    Live(&'a mut web::ServiceConfig, Vec<(&'static str, Vec<(Method, actix_web::Route)>)>),
    Record(&'a mut Vec<(Method, &'static str)>),
}

impl<'a> Routes<'a> {
    pub fn live(cfg: &'a mut web::ServiceConfig) -> Self {
        Routes { sink: Sink::Live(cfg, Vec::new()) }
    }

    pub fn record(list: &'a mut Vec<(Method, &'static str)>) -> Self {
        Routes { sink: Sink::Record(list) }
    }

    pub fn get<F, Args>(&mut self, path: &'static str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        if let Sink::Live(_, paths) = &mut self.sink {
            add(paths, Method::HEAD, path, web::head().to(handler.clone()));
        }
        self.add(Method::GET, path, web::get().to(handler))
    }

    pub fn post<F, Args>(&mut self, path: &'static str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::POST, path, web::post().to(handler))
    }

    /// Data for the handlers of this worker (not a route: nothing to record).
    pub fn data<T: 'static>(&mut self, data: web::Data<T>) -> &mut Self {
        if let Sink::Live(cfg, _) = &mut self.sink {
            cfg.app_data(data);
        }
        self
    }

    fn add(&mut self, method: Method, path: &'static str, route: actix_web::Route) -> &mut Self {
        match &mut self.sink {
            Sink::Live(_, paths) => add(paths, method, path, route),
            Sink::Record(list) => list.push((method, path)),
        }
        self
    }

    /// Mounts the gathered routes: one resource per path, its methods, and a
    /// 405 with `Allow` for every other method.
    pub fn finish(self) {
        let Sink::Live(cfg, paths) = self.sink else { return };
        for (path, routes) in paths {
            let allow = routes.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>().join(", ");
            let mut resource = web::resource(path);
            for (_, route) in routes {
                resource = resource.route(route);
            }
            cfg.service(resource.default_service(web::to(move || {
                let allow = allow.clone();
                async move { HttpResponse::MethodNotAllowed().insert_header(("Allow", allow)).finish() }
            })));
        }
    }
}

fn add(
    paths: &mut Vec<(&'static str, Vec<(Method, actix_web::Route)>)>,
    method: Method,
    path: &'static str,
    route: actix_web::Route,
) {
    match paths.iter_mut().find(|(p, _)| *p == path) {
        Some((_, routes)) => routes.push((method, route)),
        None => paths.push((path, vec![(method, route)])),
    }
}
